#include <credguard/core/error.hpp>
#include <credguard/core/files.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <pwd.h>
#include <unistd.h>

namespace credguard {

namespace fs = std::filesystem;

std::string read_file(const fs::path& path)
{
  auto fail = [&] {
    return Error(ErrorKind::io, fmt::format("cannot read {}: {}", path.string(), std::strerror(errno)));
  };
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw fail();
  }
  std::string content;
  char buffer[65536];
  while (true) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      auto error = fail();
      ::close(fd);
      throw error;
    }
    if (n == 0) {
      break;
    }
    content.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return content;
}

void write_file_atomic(const fs::path& path, std::string_view content, fs::perms mode)
{
  auto fail = [&](std::string_view what) {
    return Error(ErrorKind::io, fmt::format("cannot write {}: {}: {}", path.string(), what, std::strerror(errno)));
  };
  fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  std::error_code ec;
  fs::create_directories(dir, ec);
  std::string tmp = (dir / fmt::format(".{}.tmp.{}", path.filename().string(), ::getpid())).string();
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, static_cast<mode_t>(mode));
  if (fd < 0) {
    throw fail("create temporary file");
  }
  std::size_t written = 0;
  while (written < content.size()) {
    ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      auto error = fail("write");
      ::close(fd);
      ::unlink(tmp.c_str());
      throw error;
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    auto error = fail("flush");
    ::unlink(tmp.c_str());
    throw error;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    auto error = fail("rename");
    ::unlink(tmp.c_str());
    throw error;
  }
  if (int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
}

std::string current_user()
{
  uid_t uid = ::geteuid();
  passwd entry{};
  passwd* found = nullptr;
  char buffer[4096];
  if (::getpwuid_r(uid, &entry, buffer, sizeof buffer, &found) == 0 && found != nullptr) {
    return found->pw_name;
  }
  return fmt::format("uid:{}", uid);
}

std::string host_name()
{
  char buffer[256] = {};
  if (::gethostname(buffer, sizeof buffer - 1) != 0) {
    return "unknown";
  }
  return buffer;
}

bool is_root()
{
  return ::geteuid() == 0;
}

} // namespace credguard
