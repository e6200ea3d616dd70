#include "support/temp_dir.hpp"

#include <credguard/core/error.hpp>
#include <credguard/core/files.hpp>

#include <catch2/catch.hpp>

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
