#pragma once

#include <credguard/journal/entry.hpp>

#include <optional>
#include <string>
#include <vector>

namespace credguard::journal {

// When traffic to a version stopped, read from journal entries. revoke,
// quarantine and the post-mortem all answer "when was traffic blocked"
// with this one function, so they cannot disagree.
struct TrafficBlock {
  std::string by;     // "denylist", "alias" or "proof"
  std::string action; // the entry's action, e.g. "revoke.denylist"
  std::int64_t seq = 0;
  std::string time;
};

// The first entry that blocked traffic, by priority: a denylist step that
// wrote or found the entry; else an alias step of revoke or quarantine that
// moved production off the version; else a proof step that found the
// version blocked everywhere. nullopt when none did. Entries oldest first.
std::optional<TrafficBlock> traffic_blocked(const std::vector<Entry>& entries);

} // namespace credguard::journal
