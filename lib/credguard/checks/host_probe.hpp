#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace credguard::checks {

// Aggregate CPU time from the first line of /proc/stat, in jiffies.
struct CpuTimes {
  std::uint64_t idle = 0; // idle + iowait
  std::uint64_t total = 0;
};

// Parses /proc/stat. Returns nullopt when the "cpu" line is missing.
std::optional<CpuTimes> parse_proc_stat(std::string_view text);
// Percentage of non-idle time between two samples; 0 when no time passed.
double cpu_busy_percent(const CpuTimes& before, const CpuTimes& after);

struct MemoryInfo {
  std::uint64_t total_kb = 0;
  std::uint64_t available_kb = 0;
  double used_percent() const;
};
// Parses /proc/meminfo (MemTotal, MemAvailable). nullopt when missing.
std::optional<MemoryInfo> parse_meminfo(std::string_view text);

struct Mount {
  std::string device;
  std::string path;
  std::string type;
};
// Parses /proc/self/mounts, decoding octal escapes (\040 for a space).
std::vector<Mount> parse_mounts(std::string_view text);
// True for pseudo and memory file systems that have no disk to fill.
bool is_virtual_fs(std::string_view type);

struct DiskUsage {
  std::uint64_t size_bytes = 0;
  std::uint64_t used_bytes = 0;
  std::uint64_t available_bytes = 0;
  // As df computes it: used / (used + available), so reserved blocks count.
  double used_percent() const;
};
// statvfs() of a mount point; nullopt when it cannot be read.
std::optional<DiskUsage> disk_usage(const std::string& path);

// The 1, 5 and 15 minute load averages from /proc/loadavg.
std::optional<std::vector<double>> parse_loadavg(std::string_view text);

} // namespace credguard::checks
