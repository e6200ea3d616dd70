#include <credguard/checks/log_files.hpp>
#include <credguard/core/error.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

namespace credguard::checks {

namespace fs = std::filesystem;

namespace {

std::string inflate_gzip(const fs::path& path)
{
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) {
    throw Error(ErrorKind::io, fmt::format("cannot read {}: {}", path.string(), std::strerror(errno)));
  }
  gzbuffer(file, 1 << 17);
  std::string out;
  std::vector<char> chunk(1 << 20);
  for (;;) {
    int n = gzread(file, chunk.data(), static_cast<unsigned>(chunk.size()));
    if (n < 0) {
      int code = 0;
      std::string message = gzerror(file, &code);
      gzclose(file);
      throw Error(ErrorKind::data, fmt::format("{}: corrupt gzip data: {}", path.string(), message));
    }
    if (n == 0) {
      break;
    }
    out.append(chunk.data(), static_cast<std::size_t>(n));
  }
  gzclose(file);
  return out;
}

} // namespace

LogText::LogText(const fs::path& path, Access access)
  : m_path(path)
{
  if (path.extension() == ".gz") {
    m_inflated = inflate_gzip(path);
    m_view = m_inflated;
    return;
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw Error(ErrorKind::io, fmt::format("cannot read {}: {}", path.string(), std::strerror(errno)));
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    int saved = errno;
    ::close(fd);
    throw Error(ErrorKind::io, fmt::format("cannot read {}: {}", path.string(), std::strerror(saved)));
  }
  auto size = static_cast<std::size_t>(info.st_size);
  if (size > 0) {
    int flags = MAP_PRIVATE | (access == Access::scan ? MAP_POPULATE : 0);
    void* map = ::mmap(nullptr, size, PROT_READ, flags, fd, 0);
    if (map == MAP_FAILED) {
      int saved = errno;
      ::close(fd);
      throw Error(ErrorKind::io, fmt::format("cannot map {}: {}", path.string(), std::strerror(saved)));
    }
    ::madvise(map, size, access == Access::scan ? MADV_SEQUENTIAL : MADV_RANDOM);
    m_map = map;
    m_map_size = size;
    m_view = std::string_view(static_cast<const char*>(map), size);
  }
  ::close(fd);
}

LogText::~LogText()
{
  release();
}

LogText::LogText(LogText&& other) noexcept
  : m_path(std::move(other.m_path))
  , m_map(other.m_map)
  , m_map_size(other.m_map_size)
  , m_inflated(std::move(other.m_inflated))
{
  m_view = m_map != nullptr ? other.m_view : std::string_view(m_inflated);
  other.m_map = nullptr;
  other.m_map_size = 0;
  other.m_view = {};
}

LogText& LogText::operator=(LogText&& other) noexcept
{
  if (this != &other) {
    release();
    m_path = std::move(other.m_path);
    m_map = other.m_map;
    m_map_size = other.m_map_size;
    m_inflated = std::move(other.m_inflated);
    m_view = m_map != nullptr ? other.m_view : std::string_view(m_inflated);
    other.m_map = nullptr;
    other.m_map_size = 0;
    other.m_view = {};
  }
  return *this;
}

void LogText::release()
{
  if (m_map != nullptr) {
    ::munmap(m_map, m_map_size);
    m_map = nullptr;
  }
}

std::vector<fs::path> log_with_rotations(const fs::path& path, int rotations)
{
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    throw Error(ErrorKind::io, fmt::format("cannot read {}: {}", path.string(),
                                           fs::exists(path, ec) ? "not a regular file" : "no such file"));
  }
  std::vector<fs::path> files{path};
  for (int n = 1; n <= rotations; ++n) {
    fs::path plain = path.string() + "." + std::to_string(n);
    fs::path gz = plain.string() + ".gz";
    if (fs::is_regular_file(plain, ec)) {
      files.push_back(plain);
    } else if (fs::is_regular_file(gz, ec)) {
      files.push_back(gz);
    } else {
      break;
    }
  }
  return files;
}

} // namespace credguard::checks
