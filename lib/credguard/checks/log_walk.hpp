#pragma once

#include <credguard/core/clock.hpp>

#include <filesystem>
#include <functional>
#include <string_view>
#include <vector>

namespace credguard::checks {

// Walks the lines of a log and its rotations newest first, within the last
// N lines or within a time window.
class LogWalk {
public:
  // `files` newest first (see log_with_rotations); `now` ends time windows.
  LogWalk(std::vector<std::filesystem::path> files, SystemTime now);

  // Visits up to `count` lines from the end, continuing into older files.
  void last_lines(std::size_t count, const std::function<void(std::string_view)>& visit);
  // Visits the lines stamped at or after now - `window` with their time;
  // undated lines (stack traces) get the time of the dated line they follow.
  // Throws Error(data) naming the log when it has lines but none dated.
  void within(Millis window, const std::function<void(std::string_view, SystemTime)>& visit);

  std::size_t lines_read() const { return m_read; }
  std::size_t file_count() const { return m_files.size(); }
  const std::filesystem::path& path() const { return m_files.front(); }

private:
  std::vector<std::filesystem::path> m_files;
  SystemTime m_now;
  std::size_t m_read = 0;
};

} // namespace credguard::checks
