#include "support/fake_clock.hpp"
#include "support/temp_dir.hpp"

#include <credguard/core/error.hpp>
#include <credguard/report/postmortem.hpp>
#include <credguard/triage/decision.hpp>

#include <catch2/catch.hpp>

#include <fstream>
#include <regex>

using namespace credguard;

namespace {

const std::string k_incident = "INC-20261123-001";

std::filesystem::path golden(const std::string& name)
{
  return std::filesystem::path(CREDGUARD_SOURCE_DIR) / "tests/unit/report/golden" / name;
}

// Hashes depend on the journal's canonical form, not on the post-mortem.
std::string normalise(const std::string& text)
{
  return std::regex_replace(text, std::regex("[0-9a-f]{64}"), "<hash>");
}

// Compares with a golden file; CREDGUARD_UPDATE_GOLDEN=1 rewrites it.
void check_golden(const std::string& actual, const std::string& name)
{
  auto path = golden(name);
  if (std::getenv("CREDGUARD_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path) << actual;
  }
  INFO("golden file " << path.string() << " (regenerate with CREDGUARD_UPDATE_GOLDEN=1)");
  CHECK(actual == test::slurp(path));
}

journal::Filter incident_filter()
{
  journal::Filter filter;
  filter.incident = k_incident;
  return filter;
}

struct IncidentJournal {
  test::TempDir dir;
  test::FakeClock clock;
  journal::Journal journal{dir / "journal.db", journal::Journal::Mode::read_write, clock,
                           journal::Identity{"alice", "alice", "", "ops-1"}};

  void add(const std::string& action, const std::string& target, const std::string& outcome,
           nlohmann::json evidence = nlohmann::json::object(), const std::string& incident = k_incident)
  {
    journal.append({"credguard test", incident, action, target, outcome, "guard trip", std::move(evidence)});
    clock.advance(Millis(10'000));
  }

  // A legitimate guard trip triaged, then a revoke run whose first purge
  // attempt fails on one endpoint.
  void revoke_run()
  {
    triage::GuardTripEvent event;
    event.risk_score = 0.91;
    event.heartbeat_misses = 4;
    event.tenant = "t-42";
    event.capsule = "9f2c71";
    event.model = "credit-score@7";
    event.time = clock.now() - Millis(150'000);
    auto verdict = triage::decide(event, triage::Thresholds{});
    add("triage.decision", "credit-score@7", "legitimate", triage::to_json(verdict));
    add("checklist.daily", "ops-1", "ok", {}, ""); // another incident's entry: left out
    add("revoke.mark", "credit-score@7", "ok", {{"state", "Revoked"}});
    add("revoke.events", "credit-score@7", "ok", {{"event", "model.revoked"}});
    add("revoke.denylist", "credit-score@7", "ok", {{"rule", "deny credit-score@7"}});
    nlohmann::json endpoints = nlohmann::json::array(
        {{{"layer", "gateway"}, {"endpoint", "https://gw-1/purge"}, {"ok", true}, {"status", 200}, {"ms", 41}},
         {{"layer", "torchserve"},
          {"endpoint", "https://ts-1/models/credit-score"},
          {"ok", false},
          {"status", 503},
          {"ms", 1200}},
         {{"layer", "cdn"}, {"endpoint", "https://cdn|edge"}, {"ok", true}, {"status", 200}, {"ms", 88}}});
    add("revoke.purge", "credit-score@7", "failed", {{"endpoints", endpoints}, {"error", "1 of 3 layers failed"}});
    endpoints[1]["ok"] = true;
    endpoints[1]["status"] = 200;
    add("revoke.purge", "credit-score@7", "ok", {{"endpoints", nlohmann::json::array({endpoints[1]})}});
    add("revoke.alias", "credit-score@7", "ok", {{"alias", "production"}, {"old", "7"}, {"new", "6"}});
    add("revoke.freeze", "credit-score@7", "ok", {{"t0", "2026-11-23T07:55:00Z"}, {"cronjobs", 2}});
    add("revoke.summary", "credit-score@7", "ok");
  }

  report::Postmortem build()
  {
    return report::build_postmortem(k_incident, journal.list(incident_filter()), journal.verify(), clock.now(),
                                    "credguard 0.1.0");
  }
};

} // namespace

TEST_CASE("postmortem: the document built from a revoke run's journal matches the golden one")
{
  IncidentJournal j;
  j.revoke_run();
  j.add("postmortem.root_cause", k_incident, "ok", {{"text", "A feature pipeline shipped unscaled incomes."}});
  j.add("postmortem.lesson", k_incident, "ok", {{"text", "The TorchServe purge needs a retry."}});
  j.add("postmortem.action", k_incident, "ok",
        {{"text", "Validate feature scaling in CI"}, {"owner", "data-eng"}, {"due", "2026-12-15"}});
  auto pm = j.build();
  check_golden(normalise(report::render_markdown(pm)), "postmortem.md");
  check_golden(normalise(report::to_json(pm).dump(2) + "\n"), "postmortem.json");
}

TEST_CASE("postmortem: milestones and times measured from detection")
{
  IncidentJournal j;
  j.revoke_run();
  auto pm = j.build();
  CHECK(pm.detected.time == "2026-11-23T08:00:00.000Z");
  CHECK(pm.detected.source == "entry 1 (triage.decision)");
  CHECK(pm.started.time == "2026-11-23T07:55:00Z"); // the freeze t0 is earlier than the event time
  CHECK(pm.blocked.source == "entry 5 (revoke.denylist)");
  CHECK(report::between(pm.detected, pm.blocked) == Millis(40'000));
  // A revoke's alias cut blocks traffic; recovery is a rollback's, and this
  // incident has none.
  CHECK(pm.recovered.time.empty());
  CHECK(report::between(pm.started, pm.detected) == Millis(300'000));
  CHECK(pm.timeline.size() == 9); // the other incident's entry is not there
  CHECK(pm.failures.size() == 1);
  CHECK(pm.purges.size() == 4);
  REQUIRE(pm.aliases.size() == 1);
  CHECK(pm.aliases[0].new_version == "6");
  CHECK(pm.targets == std::vector<std::string>{"credit-score@7"});
}

TEST_CASE("postmortem: recovery is a validated rollback, and blocked comes from the alias cut without a denylist")
{
  IncidentJournal j;
  j.add("triage.decision", "credit-score@7", "legitimate", {});
  j.add("revoke.denylist", "credit-score@7", "skipped", {{"denylists", nlohmann::json::array()}});
  j.add("revoke.alias", "credit-score@7", "ok", {{"alias", "production"}, {"old", "7"}, {"new", "6"}});
  j.add("rollback.alias", "credit-score@6->5", "ok", {{"alias", "production"}, {"old", "6"}, {"new", "5"}});
  j.add("rollback.validate", "credit-score@6->5", "ok", {});
  auto pm = j.build();
  CHECK(pm.blocked.source == "entry 3 (revoke.alias)");
  CHECK(pm.recovered.source == "entry 5 (rollback.validate)");
  CHECK(report::between(pm.detected, pm.blocked) == Millis(20'000));
}

TEST_CASE("postmortem: without triage, freeze or recovery the document says what is unknown")
{
  IncidentJournal j;
  j.add("revoke.mark", "credit-score@7", "ok");
  j.add("revoke.alias", "credit-score@7", "failed", {{"alias", "production"}, {"old", "7"}, {"new", ""}});
  auto md = report::render_markdown(j.build());
  CHECK(md.find("No triage decision was journaled for this incident.") != std::string::npos);
  CHECK(md.find("Time to detect: unknown") != std::string::npos);
  CHECK(md.find("Time to block traffic: not blocked according to the journal") != std::string::npos);
  CHECK(md.find("Time to recover: not recovered according to the journal") != std::string::npos);
  CHECK(md.find("| production | 7 | none | failed |") != std::string::npos);
  // every section a person must write is marked
  for (const auto& section :
       {"## 1. Context\n\n> **TO BE WRITTEN:**", "## 4. Root cause\n\n> **TO BE WRITTEN:**",
        "## 6. Lessons learned\n\n> **TO BE WRITTEN:**", "## 7. Action plan\n\n> **TO BE WRITTEN:**"}) {
    INFO(section);
    CHECK(md.find(section) != std::string::npos);
  }
  auto json = report::to_json(j.build());
  CHECK(json["root_cause"]["to_be_written"] == true);
  CHECK(json["milestones"]["time_to_detect_ms"].is_null());
  CHECK(json["milestones"]["recovered"]["time"].is_null());
}

TEST_CASE("postmortem: a broken chain is stated at the top")
{
  IncidentJournal j;
  j.add("revoke.mark", "credit-score@7", "ok");
  journal::VerifyResult broken{false, 3, 2, "hash mismatch", "", {}};
  auto pm =
      report::build_postmortem(k_incident, j.journal.list(incident_filter()), broken, j.clock.now(), "credguard 0.1.0");
  auto md = report::render_markdown(pm);
  CHECK(md.find("- **Journal:** **NOT VERIFIED**: entry 2: hash mismatch.") != std::string::npos);
  auto json = report::to_json(pm);
  CHECK(json["journal"]["verified"] == false);
  CHECK(json["journal"]["first_bad_seq"] == 2);
}

TEST_CASE("postmortem: --action takes text, owner and due date")
{
  auto item = report::parse_action_item(" Add an ETL lag alert ; data-eng ; 2026-12-01 ");
  CHECK(item.text == "Add an ETL lag alert");
  CHECK(item.owner == "data-eng");
  CHECK(item.due == "2026-12-01");
  auto usage_error = [](const std::string& spec) {
    try {
      report::parse_action_item(spec);
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::usage);
      return std::string(e.what());
    }
    FAIL("no error for " << spec);
    return std::string();
  };
  CHECK(usage_error("Add an alert;data-eng") ==
        "--action \"Add an alert;data-eng\": expected \"text;owner;due\" (3 fields separated by ';'), got 2");
  CHECK(usage_error("a;b;c;d").find("got 4") != std::string::npos);
  CHECK(usage_error(";data-eng;2026-12-01") == "--action \";data-eng;2026-12-01\": the text is empty");
  CHECK(usage_error("x; ;2026-12-01").find("the owner is empty") != std::string::npos);
  CHECK(usage_error("x;y;next week") ==
        "--action \"x;y;next week\": due date \"next week\" is not a date (YYYY-MM-DD)");
  CHECK(usage_error("x;y;2026-13-45").find("is not a date") != std::string::npos);
}
