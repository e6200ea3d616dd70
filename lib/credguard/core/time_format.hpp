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
// The times credguard reads and computes: a SystemTime counts nanoseconds
// in 64 bits (about 1677 to 2262), so this is what fits, from the epoch on.
constexpr SystemTime k_min_time{};
constexpr SystemTime k_max_time{std::chrono::seconds(9'214'646'399)}; // 2261-12-31T23:59:59Z
constexpr std::string_view k_time_range = "1970-01-01 to 2261-12-31";
// The longest duration read: 100 years.
constexpr Millis k_max_duration{36'500LL * 86'400'000};
constexpr std::string_view k_max_duration_text = "36500d (100 years)";

// Parses RFC 3339 (Z or +hh:mm offset, optional fraction) or a plain date
// YYYY-MM-DD (midnight UTC). Returns nullopt when malformed, not a real date
// (2026-02-31), with an offset beyond ±23:59, or outside k_time_range.
std::optional<SystemTime> parse_rfc3339(std::string_view text);

// Parses a duration: a number and a unit among ms, s, m, h, d, w
// ("500ms", "30s", "14d"); a bare number means seconds. Returns nullopt when
// malformed or longer than k_max_duration.
std::optional<Millis> parse_duration(std::string_view text);

// `time` + `duration` (negative: earlier); nullopt when the result is outside
// k_min_time..k_max_time.
std::optional<SystemTime> add_duration(SystemTime time, Millis duration);
// The shortest exact form: 1500ms -> "1.5s", 90000ms -> "1m30s".
std::string format_duration(Millis duration);

} // namespace credguard
