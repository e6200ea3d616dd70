#include <credguard/backup/inventory.hpp>
#include <credguard/backup/retention.hpp>
#include <credguard/core/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <regex>
#include <set>

namespace credguard::backup {

namespace {

struct Stamp {
  std::string name;
  std::chrono::sys_days day;
  std::string sortable; // YYYYMMDDHHMMSS
};

std::optional<Stamp> parse_name(const std::string& name)
{
  static const std::regex k_name(R"(credguard-(\d{4})(\d{2})(\d{2})-(\d{6})\.sql\.gz)");
  std::smatch m;
  if (!std::regex_match(name, m, k_name)) {
    return std::nullopt;
  }
  std::chrono::year_month_day ymd{std::chrono::year(std::stoi(m[1])),
                                  std::chrono::month(static_cast<unsigned>(std::stoi(m[2]))),
                                  std::chrono::day(static_cast<unsigned>(std::stoi(m[3])))};
  if (!ymd.ok()) {
    return std::nullopt;
  }
  return Stamp{name, std::chrono::sys_days(ymd), m.str(1) + m.str(2) + m.str(3) + m.str(4)};
}

// Keeps the newest stamp of each of the first `count` distinct periods.
void keep_per_period(const std::vector<Stamp>& newest_first, int count, long long (*period)(const Stamp&),
                     std::set<std::string>& kept)
{
  std::set<long long> seen;
  for (const auto& stamp : newest_first) {
    if (static_cast<int>(seen.size()) >= count) {
      break;
    }
    if (seen.insert(period(stamp)).second) {
      kept.insert(stamp.name);
    }
  }
}

} // namespace

std::vector<std::string> plan_retention(const std::vector<std::string>& names, const RetentionPolicy& policy,
                                        const std::string& newest_good)
{
  if (!policy.enabled()) {
    return {};
  }
  std::vector<Stamp> stamps;
  for (const auto& name : names) {
    if (auto stamp = parse_name(name)) {
      stamps.push_back(*stamp);
    }
  }
  std::sort(stamps.begin(), stamps.end(), [](const Stamp& a, const Stamp& b) { return a.sortable > b.sortable; });
  std::set<std::string> kept{newest_good};
  keep_per_period(
      stamps, policy.daily, [](const Stamp& s) { return static_cast<long long>(s.day.time_since_epoch().count()); },
      kept);
  // ISO weeks start on Monday; 1970-01-01 was a Thursday, hence the shift.
  keep_per_period(
      stamps, policy.weekly,
      [](const Stamp& s) { return (static_cast<long long>(s.day.time_since_epoch().count()) + 3) / 7; }, kept);
  keep_per_period(
      stamps, policy.monthly,
      [](const Stamp& s) {
        std::chrono::year_month_day ymd(s.day);
        return static_cast<long long>(static_cast<int>(ymd.year())) * 12 +
               static_cast<long long>(static_cast<unsigned>(ymd.month()));
      },
      kept);
  std::vector<std::string> dropped;
  for (const auto& stamp : stamps) {
    if (kept.count(stamp.name) == 0) {
      dropped.push_back(stamp.name);
    }
  }
  return dropped;
}

std::vector<std::string> apply_retention(const std::filesystem::path& dir, const RetentionPolicy& policy,
                                         const std::string& newest_good)
{
  std::vector<std::string> names;
  for (const auto& file : list_backups(dir, k_backup_pattern)) {
    names.push_back(file.name);
  }
  auto dropped = plan_retention(names, policy, newest_good);
  for (const auto& name : dropped) {
    std::error_code ec;
    std::filesystem::remove(dir / name, ec);
    if (ec) {
      throw Error(ErrorKind::io, fmt::format("cannot remove {}: {}", (dir / name).string(), ec.message()));
    }
    std::filesystem::remove(dir / (name + ".sha256"), ec);
  }
  return dropped;
}

} // namespace credguard::backup
