#include <credguard/core/error.hpp>
#include <credguard/triage/decision.hpp>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <optional>

using namespace credguard;
using namespace credguard::triage;

namespace {

struct Case {
  double risk;
  std::optional<long long> misses;
  bool maintenance;
  bool recent_deploy;
  long long capsules;
  Decision decision;
  Severity severity;
  const char* level; // the tree's branch
};

GuardTripEvent event(const Case& c)
{
  GuardTripEvent e;
  e.risk_score = c.risk;
  e.heartbeat_misses = c.misses;
  e.maintenance = c.maintenance;
  e.recent_deploy = c.recent_deploy;
  e.capsules_affected = c.capsules;
  return e;
}

const auto FP = Decision::false_positive;
const auto MON = Decision::monitor;
const auto INV = Decision::investigate;
const auto LEG = Decision::legitimate;
const std::optional<long long> unknown;

} // namespace

TEST_CASE("decide: every branch and boundary of the guard-trip tree")
{
  const std::vector<Case> cases = {
      // low band: false positive whatever the context...
      {0.0, unknown, false, false, 1, FP, Severity::p4, "low"},
      {0.29, 2, false, false, 1, FP, Severity::p4, "low"},
      {0.3, unknown, false, false, 1, FP, Severity::p4, "low"},
      {0.49, 4, false, false, 1, FP, Severity::p4, "low"},
      {0.49, 4, true, true, 5, FP, Severity::p4, "low"},
      // ...unless the misses reach the compromise band (exactly 5)
      {0.49, 5, false, false, 1, MON, Severity::p3, "low"},
      {0.1, 9, false, false, 1, MON, Severity::p3, "low"},
      // exactly 0.5 is medium: the heartbeat misses decide
      {0.5, unknown, false, false, 1, INV, Severity::p3, "medium"},
      {0.5, 0, false, false, 1, FP, Severity::p4, "medium"},
      {0.5, 2, false, false, 1, FP, Severity::p4, "medium"},
      {0.5, 3, false, false, 1, LEG, Severity::p2, "medium"},
      {0.79, 2, false, false, 1, FP, Severity::p4, "medium"},
      {0.79, 3, false, false, 1, LEG, Severity::p2, "medium"},
      {0.79, 4, false, false, 1, LEG, Severity::p2, "medium"},
      // context explains suspicious misses (3-4)...
      {0.6, 3, true, false, 1, INV, Severity::p3, "medium"},
      {0.6, 4, false, true, 1, INV, Severity::p3, "medium"},
      {0.6, 4, false, false, 2, INV, Severity::p3, "medium"},
      {0.6, 2, true, true, 4, FP, Severity::p4, "medium"},
      // ...but not compromise-band misses (5+)
      {0.6, 5, true, true, 3, LEG, Severity::p1, "medium"},
      {0.6, 5, false, false, 1, LEG, Severity::p1, "medium"},
      // exactly 0.8 is high: legitimate, context never lowers it
      {0.8, unknown, false, false, 1, LEG, Severity::p2, "high"},
      {0.8, 0, true, true, 1, LEG, Severity::p2, "high"},
      {0.95, 1, true, false, 1, LEG, Severity::p2, "high"},
      {0.95, 1, false, false, 2, LEG, Severity::p1, "high"},
      {0.95, 5, false, false, 1, LEG, Severity::p1, "high"},
      {1.0, 4, false, false, 1, LEG, Severity::p2, "high"},
  };
  Thresholds t;
  for (const auto& c : cases) {
    INFO("risk " << c.risk << " misses " << (c.misses ? std::to_string(*c.misses) : "unknown") << " maintenance "
                 << c.maintenance << " deploy " << c.recent_deploy << " capsules " << c.capsules);
    auto v = decide(event(c), t);
    CHECK(to_string(v.decision) == to_string(c.decision));
    CHECK(info(v.severity).level == info(c.severity).level);
    CHECK(v.risk_level == c.level);
    REQUIRE_FALSE(v.path.empty());
    CHECK(v.path.front().check == "risk score");
    CHECK(v.path.front().value == fmt::format("{}", c.risk));
  }
}

TEST_CASE("decide: the risk table's band, action and false-positive likelihood")
{
  Thresholds t;
  auto band = [&](double risk) {
    GuardTripEvent e;
    e.risk_score = risk;
    auto v = decide(e, t);
    return v.risk_band + " " + v.band_action + " " + v.fp_likelihood;
  };
  CHECK(band(0.0) == "0-0.3 investigate high");
  CHECK(band(0.29) == "0-0.3 investigate high");
  CHECK(band(0.3) == "0.3-0.5 monitor medium");
  CHECK(band(0.5) == "0.5-0.8 investigate low");
  CHECK(band(0.8) == "0.8-1 proceed with rollback very low");
  CHECK(band(1.0) == "0.8-1 proceed with rollback very low");
}

TEST_CASE("decide: heartbeat bands 1-2 network, 3-4 suspicious, 5+ compromise")
{
  Thresholds t;
  auto hb = [&](std::optional<long long> misses) {
    GuardTripEvent e;
    e.risk_score = 0.6;
    e.heartbeat_misses = misses;
    return decide(e, t).heartbeat_band;
  };
  CHECK(hb(unknown) == "unknown");
  CHECK(hb(0) == "none");
  CHECK(hb(1) == "network");
  CHECK(hb(2) == "network");
  CHECK(hb(3) == "suspicious");
  CHECK(hb(4) == "suspicious");
  CHECK(hb(5) == "compromise");
}

TEST_CASE("decide: the path names the value that decided each branch")
{
  GuardTripEvent e;
  e.risk_score = 0.62;
  e.heartbeat_misses = 3;
  e.maintenance = true;
  auto v = decide(e, Thresholds{});
  REQUIRE(v.path.size() == 3);
  CHECK(v.path[0].result == "medium (0.5 <= 0.62 < 0.8): look at heartbeat misses");
  CHECK(v.path[1].check == "heartbeat misses");
  CHECK(v.path[1].value == "3");
  CHECK(v.path[1].result.find("3 >= 3") != std::string::npos);
  CHECK(v.path[2].check == "maintenance window");
  CHECK(v.path[2].value == "active");
}

TEST_CASE("decide: configured thresholds move the edges")
{
  Thresholds t;
  t.risk_false_positive_below = 0.6;
  t.risk_rollback_from = 0.9;
  t.heartbeat_suspicious_from = 4;
  GuardTripEvent e;
  e.risk_score = 0.85;
  e.heartbeat_misses = 3;
  CHECK(decide(e, t).decision == Decision::false_positive); // medium now, 3 < 4
  e.heartbeat_misses = 4;
  CHECK(decide(e, t).decision == Decision::legitimate);
  e.risk_score = 0.55;
  CHECK(decide(e, t).decision == Decision::false_positive); // low now
  e.risk_score = 0.9;
  e.heartbeat_misses = 0;
  CHECK(decide(e, t).decision == Decision::legitimate);
}

TEST_CASE("decide: exit codes 0 false positive, 1 monitor/investigate, 2 legitimate")
{
  CHECK(exit_code(Decision::false_positive) == ExitCode::ok);
  CHECK(exit_code(Decision::monitor) == ExitCode::warning);
  CHECK(exit_code(Decision::investigate) == ExitCode::warning);
  CHECK(exit_code(Decision::legitimate) == ExitCode::critical);
  for (auto d : {Decision::false_positive, Decision::monitor, Decision::investigate, Decision::legitimate}) {
    CHECK(parse_decision(to_string(d)) == d);
  }
  CHECK_FALSE(parse_decision("rollback"));
}

TEST_CASE("decide: a missing risk score is a usage error")
{
  GuardTripEvent e;
  CHECK_THROWS_AS(decide(e, Thresholds{}), Error);
}

TEST_CASE("next_steps: exact commands with the model and incident, placeholders otherwise")
{
  GuardTripEvent e;
  e.risk_score = 0.91;
  e.heartbeat_misses = 4;
  e.model = "credit-score@7";
  auto steps = next_steps(decide(e, Thresholds{}), "INC-20261123-001");
  REQUIRE(steps.size() == 3);
  // rollback takes the model; quarantine the model and the version.
  CHECK(steps[0].run ==
        "credguard rollback credit-score --incident INC-20261123-001 --reason 'guard trip: risk 0.91, 4 heartbeat "
        "misses'");
  CHECK(steps[1].run.starts_with("credguard quarantine credit-score 7 --incident INC-20261123-001 --reason "));
  CHECK(steps[2].run == "credguard postmortem INC-20261123-001");
  CHECK(std::all_of(steps.begin(), steps.end(), [](const NextStep& step) { return step.complete; }));

  e.model = "";
  auto unknown = next_steps(decide(e, Thresholds{}), "INC-1");
  CHECK(unknown[0].run.starts_with("credguard rollback MODEL "));
  CHECK_FALSE(unknown[0].complete);
  e.model = "credit-score";
  auto no_version = next_steps(decide(e, Thresholds{}), "INC-1");
  CHECK(no_version[0].run.starts_with("credguard rollback credit-score "));
  CHECK(no_version[0].complete);
  CHECK(no_version[1].run.starts_with("credguard quarantine credit-score VERSION "));
  CHECK_FALSE(no_version[1].complete);

  e.risk_score = 0.6;
  e.heartbeat_misses.reset();
  e.tenant = "t 42";
  auto retriage = next_steps(decide(e, Thresholds{}), "INC-1");
  REQUIRE(retriage.size() == 2);
  CHECK(retriage[0].run ==
        "credguard triage --incident INC-1 --risk-score 0.6 --heartbeat-misses N --tenant 't 42' --model credit-score");

  e.heartbeat_misses = 1;
  auto fp = next_steps(decide(e, Thresholds{}), "INC-1");
  REQUIRE(fp.size() == 1);
  CHECK(fp[0].run.find("networkpolicies") != std::string::npos);
}

TEST_CASE("to_json: the verdict's layout")
{
  GuardTripEvent e;
  e.risk_score = 0.5;
  e.heartbeat_misses = 3;
  e.capsule = "9f2c";
  auto json = to_json(decide(e, Thresholds{}));
  CHECK(json["decision"] == "legitimate");
  CHECK(json["exit_code"] == 2);
  CHECK(json["severity"]["level"] == "P2");
  CHECK(json["severity"]["response_time"] == "1 hour");
  CHECK(json["severity"]["escalation"] == "Tech Lead");
  CHECK(json["false_positive_likelihood"] == "low");
  CHECK(json["inputs"]["capsule_hash"] == "9f2c");
  CHECK(json["inputs"]["heartbeat_misses"] == 3);
  CHECK(json["path"].size() == 3);
}
