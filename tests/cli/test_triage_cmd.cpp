#include "cmd/triage/triage.hpp"
#include "harness.hpp"

#include <credguard/journal/journal.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace credguard;
using namespace credguard::cli;

namespace {

std::vector<journal::Entry> entries(test::CliHarness& h)
{
  journal::Journal journal(h.home / "journal.db", journal::Journal::Mode::read_only, h.clock,
                           journal::Identity{"t", "t", "", "h"});
  return journal.list(journal::Filter{});
}

bool contains(const std::string& text, const std::string& part)
{
  return text.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("triage: argv becomes options, conflicting inputs are usage errors")
{
  test::CliHarness h;
  Context ctx(Io{h.out, h.err, h.in, false, false, false, false}, h.clock, h.env);
  CLI::App app;
  TriageOptions seen;
  configure_triage(app, ctx, [&](const TriageOptions& options, Context&) {
    seen = options;
    return 0;
  });
  std::vector<std::string> args = {
      "--risk-score", "0.5",   "--heartbeat-misses",  "3", "--tenant", "t-42", "--capsule", "9f2c", "--maintenance",
      "--incident",   "INC-X", "--capsules-affected", "2", "--model",  "m@1"};
  std::reverse(args.begin(), args.end());
  app.parse(args);
  REQUIRE(ctx.action);
  ctx.action();
  CHECK(seen.risk_score == 0.5);
  CHECK(seen.heartbeat_misses == 3);
  CHECK(seen.tenant == "t-42");
  CHECK(seen.capsule == "9f2c");
  CHECK(seen.maintenance);
  CHECK_FALSE(seen.recent_deploy);
  CHECK(seen.capsules_affected == 2);
  CHECK(seen.incident == "INC-X");

  CHECK(h.run({"triage", "--batch", "--risk-score", "0.3"}) == 64);
  CHECK(h.run({"triage", "--list-scenarios", "--scenario", "data-lag"}) == 64);
  CHECK(h.run({"triage", "--signals", "drift", "--risk-score", "0.3"}) == 64);
  CHECK(h.run({"triage", "--risk-score", "1.5"}) == 64);
  CHECK(h.run({"triage", "--risk-score", "nan"}) == 64);
  CHECK(h.run({"triage", "--risk-score", "0.5", "--heartbeat-misses", "-1"}) == 64);
  CHECK(h.run({"triage"}) == 64);
  CHECK(contains(h.err.str(), "nothing to triage"));
  CHECK(h.run({"triage", "--risk-score", "0.9", "--incident", "INC 1; rm"}) == 64);
  CHECK(h.run({"triage", "--risk-score", "0.9", "--model", "../x@1"}) == 64);
  CHECK_FALSE(std::filesystem::exists(h.home / "journal.db")); // nothing opened it
}

TEST_CASE("triage: out-of-range numbers name their bounds as written")
{
  // CLI11's Range printed std::to_string of DBL_MAX: 309 digits.
  test::CliHarness h;
  CHECK(h.run({"triage", "--risk-score", "0.5", "--heartbeat-misses", "-1"}) == 64);
  CHECK(contains(h.err.str(), "--heartbeat-misses: -1 is below 0\n"));
  CHECK(h.run({"triage", "--risk-score", "0.5", "--capsules-affected", "0"}) == 64);
  CHECK(contains(h.err.str(), "--capsules-affected: 0 is not above 0\n"));
  CHECK(h.run({"triage", "--risk-score", "1.5"}) == 64);
  CHECK(contains(h.err.str(), "--risk-score: 1.5 is not from 0 to 1\n"));
  CHECK(h.err.str().size() < 200);
}

TEST_CASE("triage: exit codes 0/1/2, journaled under generated incident IDs")
{
  test::CliHarness h;
  CHECK(h.run({"triage", "--risk-score", "0.2"}) == 0);
  CHECK(h.out.str().starts_with("FALSE POSITIVE: "));
  CHECK(contains(h.out.str(), "incident   INC-20261123-001\n"));
  CHECK(h.run({"triage", "--risk-score", "0.5"}) == 1);
  CHECK(contains(h.out.str(), "INC-20261123-002"));
  CHECK(h.run({"triage", "--risk-score", "0.8", "--model", "credit-score@7", "--tenant", "t-42"}) == 2);
  CHECK(contains(h.out.str(), "$ credguard rollback credit-score --incident INC-20261123-003"));
  CHECK(contains(h.out.str(), "$ credguard quarantine credit-score 7 --incident INC-20261123-003"));
  CHECK(h.run({"triage", "--risk-score", "0.6", "--heartbeat-misses", "3", "--incident", "INC-7", "--reason",
               "bot alert"}) == 2);
  h.clock.advance(Millis(24 * 3600 * 1000));
  CHECK(h.run({"triage", "--risk-score", "0.1"}) == 0);
  CHECK(contains(h.out.str(), "INC-20261124-001"));

  auto all = entries(h);
  REQUIRE(all.size() == 5);
  CHECK(all[0].what.action == "triage.decision");
  CHECK(all[0].what.incident == "INC-20261123-001");
  CHECK(all[0].what.outcome == "false_positive");
  CHECK(all[0].what.target == "guard-trip");
  CHECK(all[2].what.target == "credit-score@7");
  CHECK(all[2].what.evidence["inputs"]["tenant_id"] == "t-42");
  CHECK(all[2].what.evidence["next"][0]["run"].get<std::string>().starts_with("credguard rollback"));
  CHECK(all[3].what.incident == "INC-7");
  CHECK(all[3].what.reason == "bot alert");
  CHECK(all[3].what.evidence["thresholds"]["risk_rollback_from"] == 0.8);
}

TEST_CASE("triage --output json: the verdict, the incident and the next commands")
{
  test::CliHarness h;
  CHECK(h.run({"triage", "--output", "json", "--risk-score", "0.62", "--heartbeat-misses", "4", "--recent-deploy",
               "--capsule", "9f2c"}) == 1);
  auto json = nlohmann::json::parse(h.out.str());
  CHECK(json["schema_version"] == 1);
  CHECK(json["decision"] == "investigate");
  CHECK(json["incident"] == "INC-20261123-001");
  CHECK(json["journaled"] == true);
  CHECK(json["severity"]["level"] == "P3");
  CHECK(json["path"][2]["check"] == "recent deploy");
  CHECK(json["inputs"]["capsule_hash"] == "9f2c");
  CHECK(json["next"].size() == 2);
}

TEST_CASE("triage --event: a JSON file or stdin, flags override, malformed files exit 65 naming the line")
{
  test::CliHarness h;
  auto file = h.home.write("event.json", R"({"type": "GuardTrip", "risk_score": 0.55,
  "heartbeat_misses": 2, "tenant_id": "t-1", "capsule_hash": "ab12"})");
  CHECK(h.run({"triage", "--event", file.string()}) == 0);
  CHECK(h.run({"triage", "--event", file.string(), "--heartbeat-misses", "3", "--output", "json"}) == 2);
  CHECK(nlohmann::json::parse(h.out.str())["inputs"]["tenant_id"] == "t-1");

  h.in.str(R"({"risk_score": 0.95})");
  CHECK(h.run({"triage", "--event", "-"}) == 2);

  auto bad = h.home.write("bad.json", "{\n  \"risk_score\": 0.5,\n  \"heartbeat_misses\": ,\n}");
  CHECK(h.run({"triage", "--event", bad.string()}) == 65);
  CHECK(contains(h.err.str(), bad.string() + ":3: not valid JSON"));
  auto wrong = h.home.write("wrong.json", R"({"risk_score": 0.5, "heartbeat_misses": "many"})");
  CHECK(h.run({"triage", "--event", wrong.string()}) == 65);
  CHECK(contains(h.err.str(), "heartbeat_misses: expected a number"));
  CHECK(h.out.str().empty());
  CHECK(h.run({"triage", "--event", (h.home / "missing.json").string()}) == 74);
  CHECK(entries(h).size() == 3);
}

TEST_CASE("triage --batch: JSON Lines on stdin, one journal entry, worst exit code")
{
  test::CliHarness h;
  h.in.str("{\"risk_score\":0.1}\n\n{\"type\":\"Heartbeat\"}\n{\"risk_score\":0.9,\"capsule_hash\":\"c1\"}\n"
           "{\"risk_score\":0.6,\"heartbeat_misses\":4}\n");
  CHECK(h.run({"triage", "--batch", "--maintenance", "--incident", "INC-B"}) == 2);
  CHECK(contains(h.out.str(), "3 events: 1 legitimate, 1 investigate, 0 monitor, 1 false positive; 1 other events "
                              "ignored. Incident INC-B\n"));
  CHECK(contains(h.out.str(), "4     legitimate"));
  CHECK_FALSE(contains(h.out.str(), "false_positive"));
  auto all = entries(h);
  REQUIRE(all.size() == 1);
  CHECK(all[0].what.action == "triage.batch");
  CHECK(all[0].what.outcome == "legitimate");
  CHECK(all[0].what.evidence["summary"]["events"] == 3);
  CHECK(all[0].what.evidence["events"].size() == 2);

  h.in.clear();
  h.in.str("{\"risk_score\":0.1}\n{\"risk_score\":0.2}\n");
  CHECK(h.run({"triage", "--batch", "--output", "json"}) == 0);
  auto json = nlohmann::json::parse(h.out.str());
  CHECK(json["events"].size() == 2);
  CHECK(json["events"][1]["line"] == 2);
  CHECK(json["incident"] == "INC-20261123-001");

  h.in.clear();
  h.in.str("{\"risk_score\":0.1}\n{\"risk_score\":0.2}\n{\"risk_score\": oops}\n");
  CHECK(h.run({"triage", "--batch"}) == 65);
  CHECK(contains(h.err.str(), "stdin:3: not valid JSON"));
  CHECK(h.out.str().empty());
  CHECK(entries(h).size() == 2);
}

TEST_CASE("triage: thresholds come from the configuration, bad values exit 78")
{
  test::CliHarness h;
  h.env.set("CREDGUARD_TRIAGE_RISK_ROLLBACK_FROM", "0.9");
  CHECK(h.run({"triage", "--risk-score", "0.85"}) == 1);
  h.env.set("CREDGUARD_TRIAGE_RISK_ROLLBACK_FROM", "0.4");
  CHECK(h.run({"triage", "--risk-score", "0.85"}) == 78);
  CHECK(contains(h.err.str(), "triage.risk_false_positive_below: must not be above risk_rollback_from"));
}

TEST_CASE("triage: a journal that cannot be written does not stop it")
{
  test::CliHarness h;
  h.home.write("file", "x");
  h.env.set("CREDGUARD_JOURNAL", (h.home / "file" / "journal.db").string());
  CHECK(h.run({"triage", "--risk-score", "0.9"}) == 2);
  CHECK(contains(h.out.str(), "INC-20261123-001 (not journaled)"));
  CHECK(contains(h.err.str(), "will not be recorded"));
}

TEST_CASE("triage: scenarios are listed, shown and ranked by signals")
{
  test::CliHarness h;
  CHECK(h.run({"triage", "--list-scenarios"}) == 0);
  for (const auto& name : {"data-lag", "node-crash", "model-drift", "telemetry-blackout", "malicious-prompt",
                           "graph-poisoning", "cost-spike", "supply-chain", "data-corruption"}) {
    CHECK(contains(h.out.str(), name));
  }
  CHECK(h.run({"triage", "--scenario", "model-drift"}) == 0);
  CHECK(h.out.str().starts_with("Model drift (model-drift)\n"));
  CHECK(contains(h.out.str(), "MITIGATE\n  1. Move production back to the last stable version.\n"
                              "     $ credguard rollback MODEL@VERSION"));
  CHECK(h.run({"triage", "--scenario", "nope"}) == 64);
  CHECK(contains(h.err.str(), "known scenarios: cost-spike, data-corruption"));

  CHECK(h.run({"triage", "--signals", "node-not-ready,api-latency"}) == 0);
  CHECK(contains(h.out.str(), "1     node-crash  2/6"));
  CHECK(contains(h.out.str(), "Playbook: credguard triage --scenario node-crash"));
  CHECK(h.run({"triage", "--signals", "drift,precision-drop", "--output", "json"}) == 0);
  auto json = nlohmann::json::parse(h.out.str());
  CHECK(json["matches"][0]["name"] == "data-lag");
  CHECK(json["matches"][1]["name"] == "model-drift");
  CHECK(h.run({"triage", "--signals", "drift,dirft"}) == 64);
  CHECK(contains(h.err.str(), "\"dirft\""));
  CHECK_FALSE(std::filesystem::exists(h.home / "journal.db")); // nothing opened it
}
