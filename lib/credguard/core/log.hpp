#pragma once

#include <credguard/core/redact.hpp>

#include <mutex>
#include <ostream>
#include <string_view>

namespace credguard {

enum class LogLevel { error = 0, warning = 1, info = 2, debug = 3 };

// Diagnostics for people: progress, warnings, -v detail. Library code logs
// here instead of writing to stderr, so the CLI decides where it goes.
class Log {
public:
  virtual ~Log() = default;
  virtual bool enabled(LogLevel level) const = 0;
  virtual void write(LogLevel level, std::string_view message) = 0;

  void warn(std::string_view message) { emit(LogLevel::warning, message); }
  void info(std::string_view message) { emit(LogLevel::info, message); }
  void debug(std::string_view message) { emit(LogLevel::debug, message); }

private:
  void emit(LogLevel level, std::string_view message)
  {
    if (enabled(level)) {
      write(level, message);
    }
  }
};

// Writes "credguard: warning: ..." lines to a stream, scrubbed of every
// registered secret. Thread-safe.
class StreamLog final : public Log {
public:
  StreamLog(std::ostream& stream, LogLevel threshold, const Redactor& redactor);
  bool enabled(LogLevel level) const override;
  void write(LogLevel level, std::string_view message) override;

private:
  std::ostream& m_stream;
  LogLevel m_threshold;
  const Redactor& m_redactor;
  std::mutex m_mutex;
};

// Discards everything.
class NullLog final : public Log {
public:
  bool enabled(LogLevel) const override { return false; }
  void write(LogLevel, std::string_view) override {}
};

} // namespace credguard
