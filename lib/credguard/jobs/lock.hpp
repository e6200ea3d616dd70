#pragma once

#include <filesystem>
#include <string>

namespace credguard::jobs {

// An exclusive, non-blocking lock on `<dir>/<job>.lock` (flock), held for
// the object's lifetime, so that two runs of the same job never overlap. The
// kernel releases it when the process dies, so a killed run never leaves a
// stale lock. The file records the holder's PID for the error message.
class JobLock {
public:
  // Takes the lock, creating `dir` (0700) and the file (0600) when missing.
  // Throws Error(busy) naming the job and the holder's PID when another
  // process holds it, Error(io) naming the path when it cannot be created.
  JobLock(const std::filesystem::path& dir, const std::string& job);
  ~JobLock();
  JobLock(const JobLock&) = delete;
  JobLock& operator=(const JobLock&) = delete;

  const std::filesystem::path& path() const { return m_path; }

private:
  std::filesystem::path m_path;
  int m_fd = -1;
};

} // namespace credguard::jobs
