#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace credguard::checks {

// A log file's whole content, read-only: memory-mapped when plain,
// inflated into memory when gzipped (*.gz). Move-only.
class LogText {
public:
  // How the text will be read: from the end (a few pages), or all of it
  // (pages are then mapped in advance).
  enum class Access { tail, scan };

  // Opens `path`. Throws Error(io) naming it when it cannot be read, and
  // Error(data) when a .gz file is corrupt.
  explicit LogText(const std::filesystem::path& path, Access access = Access::scan);
  ~LogText();
  LogText(LogText&& other) noexcept;
  LogText& operator=(LogText&& other) noexcept;
  LogText(const LogText&) = delete;
  LogText& operator=(const LogText&) = delete;

  std::string_view text() const { return m_view; }
  const std::filesystem::path& path() const { return m_path; }

private:
  void release();

  std::filesystem::path m_path;
  void* m_map = nullptr;
  std::size_t m_map_size = 0;
  std::string m_inflated;
  std::string_view m_view;
};

// A log and its rotations, newest first: path, then path.1 or path.1.gz,
// path.2 or path.2.gz, ... up to `rotations` older files, stopping at the
// first number that does not exist. The live file must exist: throws
// Error(io) naming it otherwise.
std::vector<std::filesystem::path> log_with_rotations(const std::filesystem::path& path, int rotations);

// Calls `line(text)` for each line of `text` from the last backwards (no
// trailing newline); stops when it returns false.
template <typename Fn> void for_each_line_backwards(std::string_view text, Fn&& line)
{
  if (!text.empty() && text.back() == '\n') {
    text.remove_suffix(1);
  }
  while (!text.empty()) {
    auto newline = text.rfind('\n');
    std::string_view current = newline == std::string_view::npos ? text : text.substr(newline + 1);
    if (!line(current)) {
      return;
    }
    if (newline == std::string_view::npos) {
      return;
    }
    text = text.substr(0, newline);
  }
}

} // namespace credguard::checks
