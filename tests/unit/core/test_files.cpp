#include "support/temp_dir.hpp"

#include <credguard/core/error.hpp>
#include <credguard/core/files.hpp>

#include <catch2/catch.hpp>

#include <sstream>
#include <sys/stat.h>

using namespace credguard;

TEST_CASE("files: atomic write replaces the file whole and leaves no temporary")
{
  test::TempDir dir;
  auto path = dir / "sub" / "out.txt";
  write_file_atomic(path, "first");
  write_file_atomic(path, "second", std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  CHECK(read_file(path) == "second");
  struct stat info {};
  ::stat(path.c_str(), &info);
  CHECK((info.st_mode & 0777) == 0600);
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(path.parent_path())) {
    ++entries;
  }
  CHECK(entries == 1);
}

TEST_CASE("files: a read error names the path")
{
  try {
    (void)read_file("/nonexistent/credguard/file");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::io);
    CHECK(std::string(e.what()).find("/nonexistent/credguard/file") != std::string::npos);
  }
}

TEST_CASE("files: reads stop at their limit with an error naming the path and the limit")
{
  // /dev/zero never ends: without a limit read_file took all memory.
  try {
    (void)read_file("/dev/zero", 1024 * 1024);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::data);
    CHECK(std::string(e.what()) == "/dev/zero: more than 1.0 MiB, the most credguard reads of it");
  }
  test::TempDir dir;
  CHECK(read_file(dir.write("exact", std::string(4096, 'x')), 4096).size() == 4096);

  std::istringstream stream(std::string(5000, 'y'));
  CHECK_THROWS_WITH(read_stream(stream, 4096, "stdin"), "stdin: more than 4.0 KiB, the most credguard reads of it");
}

TEST_CASE("files: read_line returns lines and refuses one longer than its limit")
{
  std::istringstream in("one\ntwo\n" + std::string(100, 'z') + "\n");
  std::string line;
  REQUIRE(read_line(in, line, 64, "log", 1));
  CHECK(line == "one");
  REQUIRE(read_line(in, line, 64, "log", 2));
  CHECK(line == "two");
  CHECK_THROWS_WITH(read_line(in, line, 64, "log", 3),
                    "log:3: a line of more than 64 B, the most credguard reads of one");

  std::istringstream last("no newline");
  REQUIRE(read_line(last, line, 64, "x", 1));
  CHECK(line == "no newline");
  CHECK_FALSE(read_line(last, line, 64, "x", 2));
}
