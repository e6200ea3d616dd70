#include <credguard/core/error.hpp>
#include <credguard/core/files.hpp>
#include <credguard/core/strings.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <pwd.h>
#include <unistd.h>

namespace credguard {

namespace fs = std::filesystem;

namespace {

Error too_large(std::string_view what, std::size_t max_bytes)
{
  return Error(ErrorKind::data,
               fmt::format("{}: more than {}, the most credguard reads of it", what, format_bytes(max_bytes)));
}

} // namespace

std::string read_file(const fs::path& path, std::size_t max_bytes)
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
    if (content.size() + static_cast<std::size_t>(n) > max_bytes) {
      ::close(fd);
      throw too_large(path.string(), max_bytes);
    }
    content.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return content;
}

bool read_line(std::istream& in, std::string& line, std::size_t max_bytes, std::string_view what, std::size_t number)
{
  line.clear();
  auto* buffer = in.rdbuf();
  if (buffer == nullptr || !in) {
    return false;
  }
  for (;;) {
    auto c = buffer->sbumpc();
    if (c == std::char_traits<char>::eof()) {
      if (line.empty()) {
        in.setstate(std::ios::eofbit | std::ios::failbit);
        return false;
      }
      in.setstate(std::ios::eofbit);
      return true;
    }
    if (c == '\n') {
      return true;
    }
    if (line.size() == max_bytes) {
      throw Error(ErrorKind::data, fmt::format("{}:{}: a line of more than {}, the most credguard reads of one", what,
                                               number, format_bytes(max_bytes)));
    }
    line.push_back(static_cast<char>(c));
  }
}

std::string read_stream(std::istream& in, std::size_t max_bytes, std::string_view what)
{
  std::string content;
  char buffer[65536];
  while (in) {
    in.read(buffer, sizeof buffer);
    auto n = static_cast<std::size_t>(in.gcount());
    if (content.size() + n > max_bytes) {
      throw too_large(what, max_bytes);
    }
    content.append(buffer, n);
  }
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
