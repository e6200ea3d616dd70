#include "support/temp_dir.hpp"

#include <credguard/backup/retention.hpp>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

using namespace credguard;
using namespace credguard::backup;

namespace {

// Two backups a day (02:00 and 14:00) for `days` days ending 2026-11-23.
std::vector<std::string> twice_daily(int days)
{
  std::vector<std::string> names;
  for (int d = 0; d < days; ++d) {
    auto day = std::chrono::sys_days(std::chrono::year(2026) / 11 / 23) - std::chrono::days(d);
    std::chrono::year_month_day ymd(day);
    auto stamp = fmt::format("{:04}{:02}{:02}", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                             static_cast<unsigned>(ymd.day()));
    names.push_back("credguard-" + stamp + "-020000.sql.gz");
    names.push_back("credguard-" + stamp + "-140000.sql.gz");
  }
  return names;
}

bool contains(const std::vector<std::string>& names, const std::string& name)
{
  return std::find(names.begin(), names.end(), name) != names.end();
}

} // namespace

TEST_CASE("retention: daily keeps the newest backup of each of the last N days")
{
  auto names = twice_daily(10);
  auto dropped = plan_retention(names, {3, 0, 0}, "credguard-20261123-140000.sql.gz");
  CHECK(dropped.size() == names.size() - 3);
  CHECK_FALSE(contains(dropped, "credguard-20261123-140000.sql.gz"));
  CHECK_FALSE(contains(dropped, "credguard-20261122-140000.sql.gz"));
  CHECK_FALSE(contains(dropped, "credguard-20261121-140000.sql.gz"));
  CHECK(contains(dropped, "credguard-20261123-020000.sql.gz"));
  CHECK(contains(dropped, "credguard-20261120-140000.sql.gz"));
}

TEST_CASE("retention: weekly and monthly keep one per ISO week and per month")
{
  auto names = twice_daily(70); // back to mid-September
  auto dropped = plan_retention(names, {0, 2, 3}, "credguard-20261123-140000.sql.gz");
  // Week of Monday 2026-11-23 and of Monday 2026-11-16: newest of each.
  CHECK_FALSE(contains(dropped, "credguard-20261123-140000.sql.gz"));
  CHECK_FALSE(contains(dropped, "credguard-20261122-140000.sql.gz")); // Sunday: the week before
  CHECK(contains(dropped, "credguard-20261121-140000.sql.gz"));
  // Months: November (the newest), October 31st, September 30th.
  CHECK_FALSE(contains(dropped, "credguard-20261031-140000.sql.gz"));
  CHECK_FALSE(contains(dropped, "credguard-20260930-140000.sql.gz"));
  CHECK(contains(dropped, "credguard-20261030-140000.sql.gz"));
  CHECK(names.size() - dropped.size() == 4);
}

TEST_CASE("retention: never drops the newest good backup nor files it cannot parse")
{
  std::vector<std::string> names = {"credguard-20261123-140000.sql.gz", "credguard-20261123-020000.sql.gz",
                                    "credguard-latest.sql.gz", "credguard-20261399-000000.sql.gz"};
  // The newest file is damaged: the caller names the older good one.
  auto dropped = plan_retention(names, {1, 0, 0}, "credguard-20261123-020000.sql.gz");
  CHECK_FALSE(contains(dropped, "credguard-20261123-020000.sql.gz"));
  CHECK_FALSE(contains(dropped, "credguard-latest.sql.gz"));
  CHECK_FALSE(contains(dropped, "credguard-20261399-000000.sql.gz"));
  CHECK(plan_retention(names, {}, "x").empty()); // no policy: keep everything
}

TEST_CASE("retention: apply removes dropped backups with their checksums and nothing else")
{
  test::TempDir dir;
  for (const auto& name : twice_daily(3)) {
    dir.write(name, "x");
    dir.write(name + ".sha256", "y");
  }
  dir.write("notes.txt", "keep");
  auto removed = apply_retention(dir.path(), {2, 0, 0}, "credguard-20261123-140000.sql.gz");
  CHECK(removed.size() == 4);
  CHECK(std::filesystem::exists(dir / "credguard-20261122-140000.sql.gz"));
  CHECK(std::filesystem::exists(dir / "credguard-20261122-140000.sql.gz.sha256"));
  CHECK_FALSE(std::filesystem::exists(dir / "credguard-20261121-140000.sql.gz"));
  CHECK_FALSE(std::filesystem::exists(dir / "credguard-20261121-140000.sql.gz.sha256"));
  CHECK(std::filesystem::exists(dir / "notes.txt"));
}
