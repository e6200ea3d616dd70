#include "cli/time_arg.hpp"

#include <credguard/core/error.hpp>
#include <credguard/core/time_format.hpp>

#include <fmt/format.h>

namespace credguard::cli {

std::optional<SystemTime> parse_time_arg(const std::string& flag, const std::string& text, const Clock& clock)
{
  if (text.empty()) {
    return std::nullopt;
  }
  if (auto time = parse_rfc3339(text)) {
    return time;
  }
  if (auto age = parse_duration(text)) {
    if (auto time = add_duration(clock.now(), -*age)) {
      return time;
    }
    throw Error(ErrorKind::usage,
                fmt::format("{}: \"{}\" ago is before 1970-01-01, the earliest time credguard handles", flag, text));
  }
  throw Error(ErrorKind::usage, fmt::format("{}: cannot read \"{}\" as a time", flag, text),
              fmt::format("use RFC 3339 (2026-11-23T08:00:00Z), a date (2026-11-23), both within {}, or an age "
                          "(24h, 7d) up to {}",
                          k_time_range, k_max_duration_text));
}

} // namespace credguard::cli
