#include <credguard/core/error.hpp>
#include <credguard/core/files.hpp>
#include <credguard/core/strings.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <pwd.h>
#include <random>
#include <sys/stat.h>
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

namespace {

Error write_error(const fs::path& path, std::string_view what)
{
  return Error(ErrorKind::io, fmt::format("cannot write {}: {}: {}", path.string(), what, std::strerror(errno)));
}

// Where a write to a path lands. `replace` is the regular file (existing or
// not) to replace atomically, symlinks followed so that the links stay;
// empty when the path names something that is written through instead (a
// device, a FIFO, a descriptor of this process): renaming over those would
// destroy them.
struct WriteTarget {
  fs::path replace;
  int descriptor = -1; // /dev/stdout, /dev/fd/N: write to the open descriptor itself
};

bool is_under(const fs::path& path, std::string_view dir)
{
  std::string text = path.lexically_normal().string();
  return text.rfind(dir, 0) == 0 && (text.size() == dir.size() || text[dir.size()] == '/');
}

int descriptor_of(const fs::path& path)
{
  std::string text = path.lexically_normal().string();
  if (text == "/dev/stdout") {
    return STDOUT_FILENO;
  }
  if (text == "/dev/stderr") {
    return STDERR_FILENO;
  }
  for (std::string_view dir : {"/dev/fd/", "/proc/self/fd/"}) {
    if (text.rfind(dir, 0) == 0 && text.size() > dir.size() && text.size() - dir.size() < 9 &&
        text.find_first_not_of("0123456789", dir.size()) == std::string::npos) {
      return std::stoi(text.substr(dir.size()));
    }
  }
  return -1;
}

WriteTarget resolve_target(const fs::path& path)
{
  if (int fd = descriptor_of(path); fd >= 0) {
    return {{}, fd};
  }
  fs::path current = path;
  for (int hop = 0; hop < 40; ++hop) {
    // /proc links (pipe:[123], a deleted file) are not paths to replace.
    if (is_under(current, "/proc") || is_under(current, "/dev/fd")) {
      return {};
    }
    struct stat info {};
    if (::lstat(current.c_str(), &info) != 0) {
      if (errno == ENOENT) {
        return {current};
      }
      throw write_error(path, "stat");
    }
    if (S_ISREG(info.st_mode)) {
      return {current};
    }
    if (S_ISDIR(info.st_mode)) {
      errno = EISDIR;
      throw write_error(path, "target");
    }
    if (!S_ISLNK(info.st_mode)) {
      return {};
    }
    char buffer[4096];
    ssize_t n = ::readlink(current.c_str(), buffer, sizeof buffer);
    if (n < 0 || static_cast<std::size_t>(n) >= sizeof buffer) {
      throw write_error(path, "read symbolic link");
    }
    fs::path link(std::string(buffer, static_cast<std::size_t>(n)));
    current = link.is_absolute() ? link : current.parent_path() / link;
  }
  errno = ELOOP;
  throw write_error(path, "resolve symbolic links");
}

void write_all(int fd, std::string_view content, const fs::path& path)
{
  std::size_t written = 0;
  while (written < content.size()) {
    ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw write_error(path, "write");
    }
    written += static_cast<std::size_t>(n);
  }
}

void write_through(const fs::path& path, std::string_view content)
{
  int fd = ::open(path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    throw write_error(path, "open");
  }
  try {
    write_all(fd, content, path);
  } catch (...) {
    ::close(fd);
    throw;
  }
  if (::close(fd) != 0) {
    throw write_error(path, "close");
  }
}

// Creates the temporary file with O_EXCL under a name nobody can predict, so
// that a file or link planted in the directory is never written through.
std::pair<int, std::string> create_temporary(const fs::path& dir, const fs::path& target, fs::perms mode)
{
  thread_local std::mt19937_64 engine{std::random_device{}()};
  for (int attempt = 0; attempt < 16; ++attempt) {
    std::string name = (dir / fmt::format(".{}.{:016x}.tmp", target.filename().string(), engine())).string();
    int fd = ::open(name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, static_cast<mode_t>(mode));
    if (fd >= 0) {
      return {fd, name};
    }
    if (errno != EEXIST) {
      break;
    }
  }
  throw write_error(target, "create temporary file");
}

} // namespace

void write_file_atomic(const fs::path& path, std::string_view content, fs::perms mode)
{
  WriteTarget target = resolve_target(path);
  if (target.descriptor >= 0) {
    write_all(target.descriptor, content, path);
    return;
  }
  if (target.replace.empty()) {
    write_through(path, content);
    return;
  }
  fs::path dir = target.replace.parent_path().empty() ? fs::path(".") : target.replace.parent_path();
  std::error_code ec;
  fs::create_directories(dir, ec);
  auto [fd, tmp] = create_temporary(dir, target.replace, mode);
  // Every failure closes the descriptor (a failed fsync included) and
  // removes the temporary file, keeping the errno of the failing call.
  try {
    write_all(fd, content, path);
    if (::fsync(fd) != 0) {
      throw write_error(path, "flush");
    }
  } catch (const Error&) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  if (::close(fd) != 0) {
    auto error = write_error(path, "close");
    ::unlink(tmp.c_str());
    throw error;
  }
  if (::rename(tmp.c_str(), target.replace.c_str()) != 0) {
    auto error = write_error(path, "rename");
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
