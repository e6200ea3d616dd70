#include <credguard/core/log.hpp>
#include <credguard/core/strings.hpp>

namespace credguard {

StreamLog::StreamLog(std::ostream& stream, LogLevel threshold, const Redactor& redactor)
  : m_stream(stream)
  , m_threshold(threshold)
  , m_redactor(redactor)
{}

bool StreamLog::enabled(LogLevel level) const
{
  return level <= m_threshold;
}

void StreamLog::write(LogLevel level, std::string_view message)
{
  std::string_view prefix;
  switch (level) {
  case LogLevel::error: prefix = "credguard: error: "; break;
  case LogLevel::warning: prefix = "credguard: warning: "; break;
  case LogLevel::info: prefix = "credguard: "; break;
  case LogLevel::debug: prefix = "credguard: debug: "; break;
  }
  // Messages quote data (column names, log lines, event fields): no control
  // sequence of theirs reaches the terminal.
  std::string line = escape_controls(m_redactor.scrub(message), true);
  std::lock_guard lock(m_mutex);
  m_stream << prefix << line << '\n' << std::flush;
}

} // namespace credguard
