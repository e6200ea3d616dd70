#include "support/temp_dir.hpp"

#include <credguard/core/error.hpp>
#include <credguard/core/files.hpp>

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sstream>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

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

TEST_CASE("files: a symbolic link is followed, and the link stays")
{
  test::TempDir dir;
  auto target = dir.write("real.txt", "old");
  auto link = dir / "link.txt";
  std::filesystem::create_symlink("real.txt", link);
  write_file_atomic(link, "new");
  CHECK(std::filesystem::is_symlink(link));
  CHECK(read_file(target) == "new");

  auto dangling = dir / "dangling";
  std::filesystem::create_symlink(dir / "made" / "later.txt", dangling);
  write_file_atomic(dangling, "created");
  CHECK(std::filesystem::is_symlink(dangling));
  CHECK(read_file(dir / "made" / "later.txt") == "created");
}

namespace {

// A character device to write to. As root, a node of the same device made in
// `dir`: if write_file_atomic ever replaced devices again, the test must
// not destroy the machine's /dev/null (it did once). Otherwise /dev itself,
// which an ordinary user cannot replace.
std::filesystem::path device(const test::TempDir& dir, const char* name, unsigned minor)
{
  auto node = dir / name;
  if (::mknod(node.c_str(), S_IFCHR | 0666, ::makedev(1, minor)) == 0) {
    return node;
  }
  REQUIRE(::geteuid() != 0);
  return std::filesystem::path("/dev") / name;
}

} // namespace

TEST_CASE("files: a device is written through, never replaced")
{
  test::TempDir dir;
  auto null = device(dir, "null", 3);
  write_file_atomic(null, "discarded");
  struct stat info {};
  REQUIRE(::stat(null.c_str(), &info) == 0);
  CHECK(S_ISCHR(info.st_mode));
  auto full = device(dir, "full", 7);
  try {
    write_file_atomic(full, "no room");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::io);
    CHECK(std::string(e.what()).find(full.string()) != std::string::npos);
  }
  REQUIRE(::stat(full.c_str(), &info) == 0);
  CHECK(S_ISCHR(info.st_mode));
}

TEST_CASE("files: a FIFO is written through to its reader")
{
  test::TempDir dir;
  auto fifo = dir / "pipe";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  // The reader opens first (non-blocking), so the write neither blocks nor,
  // if the FIFO were replaced, leaves a reader waiting forever.
  int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  REQUIRE(reader >= 0);
  write_file_atomic(fifo, "through the pipe");
  char buffer[64] = {};
  auto got = ::read(reader, buffer, sizeof buffer);
  ::close(reader);
  CHECK(std::string(buffer, got > 0 ? static_cast<std::size_t>(got) : 0) == "through the pipe");
  struct stat info {};
  REQUIRE(::lstat(fifo.c_str(), &info) == 0);
  CHECK(S_ISFIFO(info.st_mode));
}

TEST_CASE("files: /dev/fd/N writes to the open descriptor, keeping its append mode")
{
  test::TempDir dir;
  auto log = dir.write("log.txt", "kept\n");
  int fd = ::open(log.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  REQUIRE(fd >= 0);
  write_file_atomic("/dev/fd/" + std::to_string(fd), "appended\n");
  ::close(fd);
  CHECK(read_file(log) == "kept\nappended\n");
}

TEST_CASE("files: a directory is refused, and a planted temporary name is not written through")
{
  test::TempDir dir;
  std::filesystem::create_directory(dir / "d");
  CHECK_THROWS_AS(write_file_atomic(dir / "d", "x"), Error);

  // The old fixed name (.out.txt.tmp.<pid>) as a link to a victim file.
  auto victim = dir.write("victim.txt", "untouched");
  std::filesystem::create_symlink(victim, dir / (".out.txt.tmp." + std::to_string(::getpid())));
  write_file_atomic(dir / "out.txt", "written");
  CHECK(read_file(dir / "out.txt") == "written");
  CHECK(read_file(victim) == "untouched");
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
