#pragma once

#include <credguard/core/clock.hpp>

#include <optional>
#include <string>

namespace credguard::cli {

// Parses a --since/--until value: RFC 3339 ("2026-11-23T08:00:00Z"), a
// date ("2026-11-23") or an age ("24h", "7d" = that long before now).
// Empty text gives nullopt. Throws Error(usage) naming `flag` when malformed.
std::optional<SystemTime> parse_time_arg(const std::string& flag, const std::string& text, const Clock& clock);

} // namespace credguard::cli
