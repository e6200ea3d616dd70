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
    return clock.now() - *age;
  }
  throw Error(ErrorKind::usage, fmt::format("{}: cannot read \"{}\" as a time", flag, text),
              "use RFC 3339 (2026-11-23T08:00:00Z), a date (2026-11-23) or an age (24h, 7d)");
}

} // namespace credguard::cli
