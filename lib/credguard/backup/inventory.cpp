#include <credguard/backup/inventory.hpp>
#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/core/time_format.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fnmatch.h>
#include <sys/stat.h>

namespace credguard::backup {

namespace fs = std::filesystem;

namespace {

// As the checklist prints numbers: whole ones without decimals, else one.
std::string short_number(double value)
{
  if (std::fabs(value - std::round(value)) < 1e-9) {
    return fmt::format("{}", static_cast<long long>(std::round(value)));
  }
  return fmt::format("{:.1f}", value);
}

} // namespace

std::vector<BackupFile> list_backups(const fs::path& dir, const std::string& pattern)
{
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) {
    throw Error(ErrorKind::io, fmt::format("backup directory {}: {}", dir.string(), ec.message()));
  }
  std::vector<BackupFile> files;
  for (const auto& entry : it) {
    auto name = entry.path().filename().string();
    struct stat info {};
    if (::fnmatch(pattern.c_str(), name.c_str(), FNM_PERIOD) != 0 || ::stat(entry.path().c_str(), &info) != 0 ||
        !S_ISREG(info.st_mode)) {
      continue;
    }
    auto modified = SystemTime(std::chrono::duration_cast<SystemTime::duration>(
        std::chrono::seconds(info.st_mtim.tv_sec) + std::chrono::nanoseconds(info.st_mtim.tv_nsec)));
    files.push_back({entry.path(), name, static_cast<std::uint64_t>(info.st_size), modified});
  }
  // Newest first; the name breaks ties (credguard-YYYYMMDD... sorts by date).
  std::sort(files.begin(), files.end(), [](const BackupFile& a, const BackupFile& b) {
    return a.modified != b.modified ? a.modified > b.modified : a.name > b.name;
  });
  return files;
}

double median(std::vector<std::uint64_t> values)
{
  std::sort(values.begin(), values.end());
  auto middle = values.size() / 2;
  return values.size() % 2 == 1 ? static_cast<double>(values[middle])
                                : (static_cast<double>(values[middle - 1]) + static_cast<double>(values[middle])) / 2;
}

FreshnessReport assess_freshness(const fs::path& dir, const std::string& pattern, SystemTime now,
                                 const FreshnessPolicy& policy)
{
  using Health = FreshnessReport::Health;
  FreshnessReport report;
  auto files = list_backups(dir, pattern);
  if (files.empty()) {
    report.health = Health::critical;
    report.notes.push_back(fmt::format("no backup matching {} in {}", pattern, dir.string()));
    return report;
  }
  const auto& newest = files.front();
  report.newest = newest;
  report.age = std::max(Millis(0), std::chrono::duration_cast<Millis>(now - newest.modified));
  report.notes.push_back(fmt::format("newest {} written {}", newest.name, format_rfc3339_seconds(newest.modified)));
  if (report.age > policy.max_age) {
    report.health = Health::critical;
    report.notes.push_back(fmt::format("older than {}", format_duration(policy.max_age)));
  }
  if (newest.bytes == 0) {
    report.health = Health::critical;
    report.notes.push_back("it is empty");
  }
  std::vector<std::uint64_t> sizes;
  for (std::size_t i = 1; i < files.size() && report.previous.size() < policy.compare; ++i) {
    report.previous.push_back(files[i]);
    sizes.push_back(files[i].bytes);
  }
  if (sizes.empty()) {
    report.notes.push_back("no earlier backup to compare its size with");
    return report;
  }
  double middle = median(sizes);
  double deviation = middle > 0 ? 100.0 * (static_cast<double>(newest.bytes) - middle) / middle : 0.0;
  report.median_bytes = middle;
  report.deviation_percent = deviation;
  auto comparison = fmt::format("{}{} % against the median {} of the {} before it ({} .. {})",
                                deviation < 0 ? "-" : "+", short_number(std::round(std::fabs(deviation) * 10) / 10),
                                format_bytes(static_cast<std::uint64_t>(middle)), sizes.size(),
                                report.previous.front().name, report.previous.back().name);
  if (std::fabs(deviation) > policy.size_tolerance && newest.bytes > 0) {
    if (report.health == Health::ok) {
      report.health = Health::warning;
    }
    comparison += fmt::format(", beyond ±{} %", short_number(policy.size_tolerance));
  }
  report.notes.push_back(comparison);
  return report;
}

} // namespace credguard::backup
