#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace credguard::backup {

// How many backups to keep: the newest of each of the last `daily` days,
// `weekly` ISO weeks and `monthly` months that have one (grandfather-
// father-son). All zero: keep everything.
struct RetentionPolicy {
  int daily = 0;
  int weekly = 0;
  int monthly = 0;

  bool enabled() const { return daily > 0 || weekly > 0 || monthly > 0; }
};

// The names among `names` (credguard-YYYYMMDD-HHMMSS.sql.gz) that `policy`
// does not keep. `newest_good` is never among them, nor is any name that
// does not parse as a backup name. Pure: deletes nothing.
std::vector<std::string> plan_retention(const std::vector<std::string>& names, const RetentionPolicy& policy,
                                        const std::string& newest_good);

// Applies plan_retention to the backups in `dir`, removing each dropped
// backup and its .sha256. Returns the removed backups' names. Throws
// Error(io) naming a file that could not be removed.
std::vector<std::string> apply_retention(const std::filesystem::path& dir, const RetentionPolicy& policy,
                                         const std::string& newest_good);

} // namespace credguard::backup
