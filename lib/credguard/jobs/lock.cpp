#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/jobs/lock.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace credguard::jobs {

namespace {

std::string read_holder(int fd)
{
  char buffer[64] = {};
  auto n = ::pread(fd, buffer, sizeof buffer - 1, 0);
  return n > 0 ? std::string(trim(std::string_view(buffer, static_cast<std::size_t>(n)))) : std::string("?");
}

} // namespace

JobLock::JobLock(const std::filesystem::path& dir, const std::string& job)
  : m_path(dir / (job + ".lock"))
{
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    throw Error(ErrorKind::io, fmt::format("lock directory {}: {}", dir.string(), ec.message()));
  }
  m_fd = ::open(m_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (m_fd < 0) {
    throw Error(ErrorKind::io, fmt::format("lock file {}: {}", m_path.string(), std::strerror(errno)));
  }
  if (::flock(m_fd, LOCK_EX | LOCK_NB) != 0) {
    int error = errno;
    auto holder = read_holder(m_fd);
    ::close(m_fd);
    m_fd = -1;
    if (error == EWOULDBLOCK) {
      throw Error(ErrorKind::busy,
                  fmt::format("job {} is already running (pid {}, lock {})", job, holder, m_path.string()),
                  "wait for it to finish; a killed run releases the lock by itself");
    }
    throw Error(ErrorKind::io, fmt::format("lock file {}: {}", m_path.string(), std::strerror(error)));
  }
  auto pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(m_fd, 0) != 0 || ::pwrite(m_fd, pid.data(), pid.size(), 0) < 0) {
    // The PID is only for messages; the lock itself is held.
  }
}

JobLock::~JobLock()
{
  if (m_fd >= 0) {
    ::close(m_fd); // releases the flock
  }
}

} // namespace credguard::jobs
