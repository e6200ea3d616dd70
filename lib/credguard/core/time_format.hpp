#pragma once

#include <credguard/core/clock.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace credguard {

// RFC 3339 UTC with milliseconds: 2026-11-23T08:00:00.123Z.
std::string format_rfc3339(SystemTime time);
// RFC 3339 UTC to the second: 2026-11-23T08:00:00Z.
std::string format_rfc3339_seconds(SystemTime time);
// Parses RFC 3339 (Z or +hh:mm offset, optional fraction) or a plain date
// YYYY-MM-DD (midnight UTC). Returns nullopt when malformed.
std::optional<SystemTime> parse_rfc3339(std::string_view text);

// Parses a duration: a number and a unit among ms, s, m, h, d, w
// ("500ms", "30s", "14d"); a bare number means seconds.
std::optional<Millis> parse_duration(std::string_view text);
// The shortest exact form: 1500ms -> "1.5s", 90000ms -> "1m30s".
std::string format_duration(Millis duration);

} // namespace credguard
