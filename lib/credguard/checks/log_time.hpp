#pragma once

#include <credguard/core/clock.hpp>

#include <cstdint>
#include <optional>
#include <string_view>

namespace credguard::checks {

// Reads the timestamp at the start of a log line, in the formats the
// platform's logs use:
//   2026-11-23T08:00:00.123Z / +01:00     (ISO 8601, RFC 3339; also with a space)
//   2026-11-23 08:00:00,123 ERROR ...      (Python logging; local time)
//   2026-11-23  8:00:00 0 [ERROR] ...      (MariaDB, space-padded hour; local time)
//   [2026-11-23 08:00:00] ...              (bracketed)
//   2026/11/23 08:00:00 [error] ...        (nginx error log; local time)
//   Nov 23 08:00:00 host sshd[1]: ...      (syslog: no year, the one that puts
//                                           the time closest before `now`; local time)
// Times without a zone are local. Returns nullopt when the line starts with
// none of these.
std::optional<SystemTime> parse_log_time(std::string_view line, SystemTime now);

// Parses a combined-log-format time, "23/Nov/2026:08:00:00 +0000", to Unix
// seconds. Returns nullopt when malformed.
std::optional<std::int64_t> parse_clf_time(std::string_view text);

// Days since 1970-01-01 of a proleptic Gregorian date (no time-zone
// database needed).
std::int64_t days_from_civil(int year, unsigned month, unsigned day);

} // namespace credguard::checks
