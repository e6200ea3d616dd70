#include <credguard/core/config.hpp>
#include <credguard/core/error.hpp>
#include <credguard/core/time_format.hpp>
#include <credguard/triage/incident_id.hpp>
#include <credguard/triage/thresholds.hpp>

#include <catch2/catch.hpp>

using namespace credguard;
using namespace credguard::triage;

namespace {

const MapEnv g_env;

Config parse(const std::string& yaml, const MapEnv& env = g_env)
{
  static Redactor redactor;
  return Config::parse(yaml, "cfg.yaml", env, redactor);
}

std::string config_error(const std::string& yaml)
{
  auto config = parse(yaml);
  try {
    thresholds_from(config);
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::config);
    return e.what();
  }
  FAIL("no error for " << yaml);
  return "";
}

} // namespace

TEST_CASE("thresholds: defaults are the seed's numbers, config and environment override them")
{
  auto defaults = thresholds_from(parse(""));
  CHECK(defaults.risk_monitor_from == 0.3);
  CHECK(defaults.risk_false_positive_below == 0.5);
  CHECK(defaults.risk_rollback_from == 0.8);
  CHECK(defaults.heartbeat_suspicious_from == 3);
  CHECK(defaults.heartbeat_compromise_from == 5);
  CHECK(defaults.several_capsules == 2);
  CHECK(defaults.capsule_window == Millis(300'000));

  auto t = thresholds_from(parse("triage:\n  risk_rollback_from: 0.9\n  heartbeat_suspicious_from: 4\n"));
  CHECK(t.risk_rollback_from == 0.9);
  CHECK(t.heartbeat_suspicious_from == 4);

  MapEnv env(std::map<std::string, std::string>{{"CREDGUARD_TRIAGE_RISK_FALSE_POSITIVE_BELOW", "0.4"}});
  CHECK(thresholds_from(parse("", env)).risk_false_positive_below == 0.4);
}

TEST_CASE("thresholds: out of range or out of order values name the key and where it was set")
{
  CHECK(config_error("triage:\n  risk_rollback_from: 1.5\n") ==
        "cfg.yaml:2: triage.risk_rollback_from: must be between 0 and 1, got 1.5");
  CHECK(config_error("triage:\n  risk_false_positive_below: 0.9\n") ==
        "cfg.yaml:2: triage.risk_false_positive_below: must not be above risk_rollback_from (0.8)");
  CHECK(config_error("triage:\n  risk_monitor_from: 0.6\n").find("triage.risk_monitor_from") != std::string::npos);
  CHECK(config_error("triage:\n  heartbeat_compromise_from: 2\n").find("heartbeat_compromise_from") !=
        std::string::npos);
  CHECK(config_error("triage:\n  several_capsules: 1\n").find("several_capsules: must be at least 2") !=
        std::string::npos);
}

TEST_CASE("incident id: the next free number of the day")
{
  auto now = *parse_rfc3339("2026-11-23T23:59:59Z");
  CHECK(next_incident_id(now, {}) == "INC-20261123-001");
  CHECK(next_incident_id(now, {"INC-20261123-001", "INC-20261123-007", "INC-20261122-042", "INC-20261123-abc",
                               "CHG-20261123-050", "INC-20261123-01"}) == "INC-20261123-008");
  CHECK(next_incident_id(now, {"INC-20261123-999"}) == "INC-20261123-1000");
  CHECK(incident_prefix(*parse_rfc3339("2026-01-02T00:00:00Z")) == "INC-20260102-");
}
