#pragma once

#include <credguard/core/clock.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace credguard::backup {

// The pattern backup files are named by: credguard-YYYYMMDD-HHMMSS.sql.gz.
inline constexpr const char* k_backup_pattern = "credguard-*.sql.gz";

// One backup file in a directory.
struct BackupFile {
  std::filesystem::path path;
  std::string name;
  std::uint64_t bytes = 0;
  SystemTime modified;
};

// The regular files in `dir` whose names match the glob `pattern` (a
// leading dot never matches, so temporary files are not listed), newest
// first (modification time, then name). Throws Error(io) naming `dir` when
// it cannot be read.
std::vector<BackupFile> list_backups(const std::filesystem::path& dir, const std::string& pattern);

// The median of `values` (which must not be empty).
double median(std::vector<std::uint64_t> values);

// How fresh and how large the newest backup must be (runbook 2.2).
struct FreshnessPolicy {
  Millis max_age{24 * 3'600'000};
  double size_tolerance = 20; // percent around the median
  std::size_t compare = 7;    // earlier backups the median is taken over
};

// The verdict on a directory's backups: critical when there is none, the
// newest is older than max_age or empty; warning when its size is beyond
// the tolerance around the median of the previous ones; else ok.
struct FreshnessReport {
  enum class Health { ok, warning, critical };
  Health health = Health::ok;
  std::optional<BackupFile> newest;
  Millis age{0};
  std::vector<BackupFile> previous; // compared with, newest first
  std::optional<double> median_bytes;
  std::optional<double> deviation_percent;
  std::vector<std::string> notes; // one clause each, for a one-line detail
};

// Assesses the backups in `dir` matching `pattern` at time `now`. This is
// the one implementation behind `backup verify` and the checklist's backup
// check. Throws Error(io) when `dir` cannot be read.
FreshnessReport assess_freshness(const std::filesystem::path& dir, const std::string& pattern, SystemTime now,
                                 const FreshnessPolicy& policy);

} // namespace credguard::backup
