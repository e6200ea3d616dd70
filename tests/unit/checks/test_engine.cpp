#include "support/fake_clock.hpp"

#include <credguard/checks/engine.hpp>
#include <credguard/core/error.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

using namespace credguard;
using namespace credguard::checks;

namespace {
const MapEnv g_no_env; // outlives every Config that refers to it
}

namespace {

std::atomic<int> g_running{0};
std::atomic<int> g_peak{0};

// Sleeps params.ms, then measures params.value; tracks how many run at once.
class SleepKind final : public CheckKind {
public:
  std::string_view name() const override { return "sleep"; }
  std::vector<CheckResult> run(const CheckDefinition& def, CheckContext&) const override
  {
    int now = ++g_running;
    int seen = g_peak.load();
    while (now > seen && !g_peak.compare_exchange_weak(seen, now)) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(def.params["ms"].as<int>()));
    --g_running;
    return {measured(def, def.params["value"].as<double>())};
  }
};

class ThrowKind final : public CheckKind {
public:
  std::string_view name() const override { return "throw"; }
  std::vector<std::string> required_config(const CheckDefinition&) const override { return {"mysql.host"}; }
  std::vector<CheckResult> run(const CheckDefinition& def, CheckContext&) const override
  {
    if (def.params["internal"]) {
      throw std::runtime_error("bug");
    }
    throw Error(ErrorKind::unavailable, "db.internal:3306: connection refused");
  }
};

struct Fixture {
  Fixture()
  {
    kinds.add(std::make_unique<SleepKind>());
    kinds.add(std::make_unique<ThrowKind>());
    kinds.add_planned("future", "coming soon", {"prometheus.url"});
  }
  Runbook runbook(const std::string& checks) const
  {
    return parse_runbook("name: test\nchecks:\n" + checks, "rb.yaml", *config, Millis(5000));
  }
  EngineRun run(const Runbook& runbook, RunOptions options = {})
  {
    return run_runbook(runbook, kinds, EngineContext{*config, clock, log, *clients, "/proc"}, options);
  }

  class NoClients final : public Clients {
  public:
    http::Transport& http() override { throw Error(ErrorKind::internal, "no transport in this test"); }
  };

  inline static Redactor redactor;
  inline static test::FakeClock clock;
  inline static NullLog log;
  std::unique_ptr<Config> config =
      std::make_unique<Config>(Config::parse("mysql:\n  host: db\n", "cfg.yaml", g_no_env, redactor));
  std::unique_ptr<NoClients> clients = std::make_unique<NoClients>();
  KindRegistry kinds;
};

} // namespace

TEST_CASE_METHOD(Fixture, "engine: checks run concurrently and results keep the runbook's order")
{
  g_peak = 0;
  std::string checks;
  for (int i = 0; i < 6; ++i) {
    checks += "  - {id: c" + std::to_string(i) +
              ", title: C, kind: sleep, threshold: {warn: 5, crit: 10}, params: "
              "{ms: 200, value: " +
              std::to_string(i * 2) + "}}\n";
  }
  auto result = run(runbook(checks));
  REQUIRE(result.report.results.size() == 6);
  for (int i = 0; i < 6; ++i) {
    CHECK(result.report.results[static_cast<std::size_t>(i)].id == "c" + std::to_string(i));
  }
  CHECK(g_peak == 6); // all six were running at the same time
  CHECK(result.report.results[0].status == Status::pass);
  CHECK(result.report.results[3].status == Status::warn);
  CHECK(result.report.results[5].status == Status::fail);
  CHECK(result.report.overall() == Status::fail);
  CHECK(to_int(result.report.exit_code()) == 2);
}

TEST_CASE_METHOD(Fixture, "engine: a check past its timeout is UNKNOWN and does not hold up the run")
{
  auto result = run(runbook("  - {id: slow, title: S, kind: sleep, timeout: 100ms, params: {ms: 1500, value: 0}}\n"
                            "  - {id: quick, title: Q, kind: sleep, params: {ms: 1, value: 0}}\n"));
  CHECK(result.stragglers == 1);
  CHECK(result.report.results[0].status == Status::unknown);
  CHECK(result.report.results[0].detail == "did not finish within 100ms");
  CHECK(result.report.results[1].status == Status::pass);
  CHECK(to_int(result.report.exit_code()) == 3);
}

TEST_CASE_METHOD(Fixture, "engine: errors become UNKNOWN with the reason")
{
  auto result = run(runbook("  - {id: down, title: D, kind: throw}\n"
                            "  - {id: bug, title: B, kind: throw, params: {internal: true}}\n"));
  CHECK(result.report.results[0].status == Status::unknown);
  CHECK(result.report.results[0].detail == "db.internal:3306: connection refused");
  CHECK(result.report.results[1].detail == "internal error: bug");
}

TEST_CASE_METHOD(Fixture, "engine: missing configuration is SKIP naming the key and its variable")
{
  config = std::make_unique<Config>(Config::parse("", "cfg.yaml", g_no_env, redactor));
  auto result = run(runbook("  - {id: db, title: D, kind: throw}\n"
                            "  - {id: prom, title: P, kind: future}\n"));
  CHECK(result.report.results[0].status == Status::skip);
  CHECK(result.report.results[0].detail == "not configured: set mysql.host (or $CREDGUARD_MYSQL_HOST)");
  CHECK(result.report.results[1].status == Status::skip);
  CHECK(result.report.results[1].detail.find("prometheus.url") != std::string::npos);
  CHECK(to_int(result.report.exit_code()) == 0);
}

TEST_CASE_METHOD(Fixture, "engine: a configured but unavailable kind is UNKNOWN")
{
  config = std::make_unique<Config>(Config::parse("prometheus:\n  url: http://p\n", "cfg.yaml", g_no_env, redactor));
  auto result = run(runbook("  - {id: prom, title: P, kind: future}\n"));
  CHECK(result.report.results[0].status == Status::unknown);
  CHECK(result.report.results[0].detail.find("coming soon") != std::string::npos);
}

TEST_CASE_METHOD(Fixture, "engine: --only and --skip select by id or tag")
{
  auto book = runbook("  - {id: a, title: A, kind: sleep, tags: [host], params: {ms: 1, value: 0}}\n"
                      "  - {id: b, title: B, kind: sleep, tags: [db], params: {ms: 1, value: 0}}\n"
                      "  - {id: c, title: C, kind: sleep, tags: [db], params: {ms: 1, value: 0}}\n");
  RunOptions only_db;
  only_db.only = {"db"};
  CHECK(run(book, only_db).report.results.size() == 2);
  RunOptions skip_c;
  skip_c.skip = {"c"};
  auto result = run(book, skip_c);
  REQUIRE(result.report.results.size() == 2);
  CHECK(result.report.results[1].id == "b");
}

TEST_CASE_METHOD(Fixture, "engine: the JSON report is versioned and complete")
{
  auto result = run(runbook("  - {id: a, title: A, kind: sleep, threshold: {warn: 1, unit: x}, params: {ms: 1, "
                            "value: 3}}\n"));
  auto json = to_json(result.report);
  CHECK(json["schema_version"] == 1);
  CHECK(json["status"] == "WARN");
  CHECK(json["exit_code"] == 1);
  CHECK(json["summary"]["warn"] == 1);
  CHECK(json["checks"][0]["value"] == 3.0);
  CHECK(json["checks"][0]["threshold"] == "< 1 x");
}
