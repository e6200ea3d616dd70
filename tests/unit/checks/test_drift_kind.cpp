#include "support/fake_clock.hpp"
#include "support/temp_dir.hpp"

#include <credguard/checks/engine.hpp>
#include <credguard/core/error.hpp>

#include <catch2/catch.hpp>

using namespace credguard;
using namespace credguard::checks;

namespace {

const MapEnv g_no_env;

class NoClients final : public Clients {
public:
  http::Transport& http() override { throw std::logic_error("unused"); }
};

EngineRun run_checks(const std::string& config_text, const std::string& checks)
{
  static Redactor redactor;
  static test::FakeClock clock;
  static NullLog log;
  static NoClients clients;
  auto config = Config::parse(config_text, "cfg.yaml", g_no_env, redactor);
  static auto kinds = builtin_kinds();
  auto runbook = parse_runbook("name: t\nchecks:\n" + checks, "rb.yaml", config, Millis(30000));
  validate_runbook(runbook, kinds);
  return run_runbook(runbook, kinds, EngineContext{config, clock, log, clients, "/proc"}, {});
}

const std::string k_check = "  - {id: drift, title: Drift, kind: drift, threshold: {warn: 0.1, crit: 0.25}, params: "
                            "{baseline: \"${drift.baseline}\", current: \"${drift.current}\"}}\n";

} // namespace

TEST_CASE("drift kind: the value is the largest PSI, judged by the runbook's threshold")
{
  test::TempDir dir;
  auto base = dir.write("base.csv", "a,b\n1,x\n2,x\n3,y\n4,y\n");
  auto stable = dir.write("stable.csv", "a,b\n1,x\n2,x\n3,y\n4,y\n");
  auto drifted = dir.write("drifted.csv", "a,b\n1,x\n2,x\n3,y\n4,x\n");
  auto config = [&](const std::filesystem::path& current) {
    return "drift:\n  baseline: " + base.string() + "\n  current: " + current.string() + "\n";
  };
  auto pass = run_checks(config(stable), k_check).report.results.at(0);
  CHECK(pass.status == Status::pass);
  CHECK(pass.value == 0.0);
  auto fail = run_checks(config(drifted), k_check).report.results.at(0);
  CHECK(fail.status == Status::fail);
  REQUIRE(fail.value);
  CHECK(*fail.value > 0.25);
  CHECK_THAT(fail.detail, Catch::StartsWith("max PSI 0.2747 on b (action); 2 features, 4 vs 4 rows"));
  CHECK(fail.data["psi"]["a"] == 0.0);

  auto only_a = run_checks(config(drifted) + "  features: [a]\n", k_check).report.results.at(0);
  CHECK(only_a.status == Status::pass);
}

TEST_CASE("drift kind: skipped while unconfigured, unknown when a file is bad")
{
  auto skipped = run_checks("", k_check).report.results.at(0);
  CHECK(skipped.status == Status::skip);
  CHECK_THAT(skipped.detail, Catch::Contains("drift.baseline"));

  test::TempDir dir;
  auto base = dir.write("base.csv", "a\n1\n");
  auto unknown =
      run_checks("drift:\n  baseline: " + base.string() + "\n  current: " + (dir / "gone.csv").string() + "\n", k_check)
          .report.results.at(0);
  CHECK(unknown.status == Status::unknown);
  CHECK_THAT(unknown.detail, Catch::Contains("gone.csv"));
}

TEST_CASE("drift kind: a definition without its files is a configuration error naming it")
{
  try {
    run_checks("", "  - {id: d, title: D, kind: drift, params: {baseline: a.csv}}\n");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::config);
    CHECK_THAT(e.what(), Catch::Contains("d.params.current: is required"));
  }
}
