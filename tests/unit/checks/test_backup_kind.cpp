#include "support/fake_clock.hpp"
#include "support/temp_dir.hpp"

#include <credguard/checks/engine.hpp>

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>

using namespace credguard;
using namespace credguard::checks;

namespace {

const MapEnv g_no_env;

class NoClients final : public Clients {
public:
  http::Transport& http() override { throw std::logic_error("unused"); }
};

struct Backups {
  test::TempDir dir;
  test::FakeClock clock; // 2026-11-23T08:00:00Z

  // A file of `bytes` bytes written `hours_ago` hours before the fake now.
  void add(const std::string& name, std::size_t bytes, double hours_ago) const
  {
    auto path = dir.write(name, std::string(bytes, 'x'));
    auto when = clock.now() - std::chrono::duration_cast<SystemTime::duration>(
                                  std::chrono::duration<double, std::ratio<3600>>(hours_ago));
    auto since_epoch = std::chrono::duration_cast<std::chrono::nanoseconds>(when.time_since_epoch()).count();
    timespec times[2] = {{since_epoch / 1'000'000'000, since_epoch % 1'000'000'000},
                         {since_epoch / 1'000'000'000, since_epoch % 1'000'000'000}};
    REQUIRE(::utimensat(AT_FDCWD, path.c_str(), times, 0) == 0);
  }

  CheckResult run(const std::string& params = "") const
  {
    static Redactor redactor;
    static NullLog log;
    static NoClients clients;
    static auto config = Config::parse("", "cfg.yaml", g_no_env, redactor);
    static auto kinds = builtin_kinds();
    auto runbook = parse_runbook("name: t\nchecks:\n  - {id: backup, title: B, kind: backup, params: {dir: \"" +
                                     dir.path().string() + "\", pattern: \"credguard-*.sql.gz\"" + params + "}}\n",
                                 "rb.yaml", config, Millis(5000));
    validate_runbook(runbook, kinds);
    auto results = run_runbook(runbook, kinds, EngineContext{config, clock, log, clients, "/proc"}, {}).report.results;
    REQUIRE(results.size() == 1);
    return results[0];
  }
};

} // namespace

TEST_CASE("backup kind: a fresh backup of the usual size passes and names the files")
{
  Backups backups;
  backups.add("credguard-20261119.sql.gz", 1000, 96);
  backups.add("credguard-20261120.sql.gz", 1100, 72);
  backups.add("credguard-20261121.sql.gz", 900, 48);
  backups.add("credguard-20261122.sql.gz", 1050, 24.5);
  backups.add("credguard-20261123.sql.gz", 1020, 2);
  backups.add("other.txt", 1, 0); // not a backup
  auto result = backups.run();
  CHECK(result.status == Status::pass);
  CHECK(result.value == Approx(2.0));
  CHECK(result.value_text == "age 2h, 1020 B");
  CHECK(result.threshold == "age < 1d, size ±20 % of the median");
  // median of 1000, 1100, 900, 1050 is 1025
  CHECK(result.detail == "newest credguard-20261123.sql.gz written 2026-11-23T06:00:00Z; -0.5 % against the median "
                         "1.0 KiB of the 4 before it (credguard-20261122.sql.gz .. credguard-20261119.sql.gz)");
  CHECK(result.data["median_bytes"] == 1025.0);
  CHECK(result.data["previous"].size() == 4);
}

TEST_CASE("backup kind: too old, empty or a different size")
{
  Backups backups;
  backups.add("credguard-20261120.sql.gz", 1000, 72);
  backups.add("credguard-20261121.sql.gz", 1000, 48);

  SECTION("older than max_age fails")
  {
    auto result = backups.run();
    CHECK(result.status == Status::fail);
    CHECK_THAT(result.detail, Catch::Contains("newest credguard-20261121.sql.gz") && Catch::Contains("older than 1d"));
    CHECK(backups.run(", max_age: 3d").status == Status::pass);
  }
  SECTION("a size 30 % off the median warns; within a wider tolerance it passes")
  {
    backups.add("credguard-20261123.sql.gz", 700, 1);
    auto result = backups.run();
    CHECK(result.status == Status::warn);
    CHECK_THAT(result.detail, Catch::Contains("-30 % against the median 1000 B of the 2 before it") &&
                                  Catch::Contains("beyond ±20 %"));
    CHECK(backups.run(", size_tolerance: 35").status == Status::pass);
    CHECK(backups.run(", compare: 1").data["previous"].size() == 1);
  }
  SECTION("an empty newest backup fails")
  {
    backups.add("credguard-20261123.sql.gz", 0, 1);
    auto result = backups.run();
    CHECK(result.status == Status::fail);
    CHECK_THAT(result.detail, Catch::Contains("it is empty"));
  }
}

TEST_CASE("backup kind: nothing to look at")
{
  Backups backups;
  SECTION("no matching file fails")
  {
    backups.add("notes.txt", 10, 1);
    auto result = backups.run();
    CHECK(result.status == Status::fail);
    CHECK(result.detail == "no backup matching credguard-*.sql.gz in " + backups.dir.path().string());
  }
  SECTION("a single backup passes without a size comparison")
  {
    backups.add("credguard-20261123.sql.gz", 10, 1);
    auto result = backups.run();
    CHECK(result.status == Status::pass);
    CHECK_THAT(result.detail, Catch::EndsWith("no earlier backup to compare its size with"));
  }
  SECTION("a missing directory is UNKNOWN naming it")
  {
    std::filesystem::remove_all(backups.dir.path());
    auto result = backups.run();
    CHECK(result.status == Status::unknown);
    CHECK_THAT(result.detail, Catch::Contains(backups.dir.path().string()));
  }
  SECTION("malformed params are refused when the runbook loads")
  {
    CHECK_THROWS_WITH(backups.run(", max_age: yesterday"), Catch::Contains("backup.params.max_age"));
    CHECK_THROWS_WITH(backups.run(", size_tolerance: -1"), Catch::Contains("backup.params.size_tolerance"));
  }
}
