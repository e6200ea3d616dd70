#include <credguard/checks/log_files.hpp>
#include <credguard/checks/log_time.hpp>
#include <credguard/checks/log_walk.hpp>
#include <credguard/core/error.hpp>

#include <fmt/format.h>

namespace credguard::checks {

LogWalk::LogWalk(std::vector<std::filesystem::path> files, SystemTime now)
  : m_files(std::move(files))
  , m_now(now)
{}

void LogWalk::last_lines(std::size_t count, const std::function<void(std::string_view)>& visit)
{
  for (const auto& file : m_files) {
    if (count == 0) {
      break;
    }
    LogText text(file, LogText::Access::tail);
    for_each_line_backwards(text.text(), [&](std::string_view line) {
      if (count == 0) {
        return false;
      }
      --count;
      ++m_read;
      visit(line);
      return true;
    });
  }
}

void LogWalk::within(Millis window, const std::function<void(std::string_view, SystemTime)>& visit)
{
  const SystemTime cutoff = m_now - window;
  std::vector<std::string_view> undated; // seen backwards before the line that dates them
  bool reached_cutoff = false;
  bool any_line = false;
  bool any_dated = false;
  for (const auto& file : m_files) {
    LogText text(file, LogText::Access::tail);
    for_each_line_backwards(text.text(), [&](std::string_view line) {
      any_line = true;
      auto when = parse_log_time(line, m_now);
      if (!when) {
        undated.push_back(line);
        return true;
      }
      any_dated = true;
      if (*when < cutoff) {
        reached_cutoff = true;
        return false;
      }
      for (auto it = undated.rbegin(); it != undated.rend(); ++it) {
        ++m_read;
        visit(*it, *when);
      }
      undated.clear();
      ++m_read;
      visit(line, *when);
      return true;
    });
    undated.clear(); // lines at the top of a file belong to an entry in the older file
    if (reached_cutoff) {
      break;
    }
  }
  if (any_line && !any_dated) {
    throw Error(ErrorKind::data,
                fmt::format("{}: no line starts with a recognised timestamp; use last_lines instead of window",
                            m_files.front().string()));
  }
}

} // namespace credguard::checks
