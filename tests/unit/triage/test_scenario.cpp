#include "support/temp_dir.hpp"

#include <credguard/checks/definition.hpp>
#include <credguard/core/config.hpp>
#include <credguard/core/embedded.hpp>
#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/triage/scenario.hpp>

#include <catch2/catch.hpp>

#include <regex>

using namespace credguard;
using namespace credguard::triage;

namespace {

const char* k_valid = R"(version: 1
name: sample
title: Sample
summary: A sample scenario.
severity: P2
trigger: Something happens.
expected: [The platform reacts.]
signals: [alpha, beta-two]
playbook:
  investigate:
    - Look at it.
    - do: Run the checks.
      run: credguard checklist daily --only host
  isolate: [Cut it off.]
  mitigate: [Fix it.]
  postmortem: [{do: Write it down., run: credguard postmortem INC-ID}]
)";

std::string scenario_error(const std::string& from, const std::string& to)
{
  std::string yaml = k_valid;
  auto pos = yaml.find(from);
  REQUIRE(pos != std::string::npos);
  yaml.replace(pos, from.size(), to);
  try {
    parse_scenario(yaml, "scenarios/sample.yaml");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::config);
    return e.what();
  }
  FAIL("no error after replacing " << from << " with " << to);
  return "";
}

} // namespace

TEST_CASE("scenarios: the nine embedded scenario files are valid against the schema")
{
  std::vector<std::string> names;
  for (const auto& file : embedded::files()) {
    if (file.name.starts_with("scenarios/")) {
      INFO(file.name);
      CHECK_NOTHROW(parse_scenario(file.content, std::string(file.name)));
    }
  }
  auto scenarios = load_scenarios("");
  for (const auto& s : scenarios) {
    names.push_back(s.name);
  }
  CHECK(names == std::vector<std::string>{"cost-spike", "data-corruption", "data-lag", "graph-poisoning",
                                          "malicious-prompt", "model-drift", "node-crash", "supply-chain",
                                          "telemetry-blackout"});
}

TEST_CASE("scenarios: checklist commands in playbooks name checks or tags of the daily runbook")
{
  static const MapEnv env;
  static Redactor redactor;
  auto config = Config::parse("", "none", env, redactor);
  auto runbook = checks::load_runbook("daily", "", config, Millis(10'000));
  std::set<std::string> known;
  for (const auto& check : runbook.checks) {
    known.insert(check.id);
    known.insert(check.tags.begin(), check.tags.end());
  }
  static const std::regex k_only(R"(credguard checklist daily --only (\S+))");
  std::size_t references = 0;
  for (const auto& s : load_scenarios("")) {
    for (const auto& [phase, steps] : phases(s)) {
      for (const auto& step : *steps) {
        std::smatch match;
        if (std::regex_search(step.command, match, k_only)) {
          for (const auto& name : split_list(match[1].str())) {
            INFO(s.name << " " << phase << ": " << step.command);
            CHECK(known.count(name) == 1);
            ++references;
          }
        }
      }
    }
  }
  CHECK(references > 10);
}

TEST_CASE("scenarios: schema violations name the file, line and key")
{
  CHECK_NOTHROW(parse_scenario(k_valid, "scenarios/sample.yaml"));
  CHECK(scenario_error("summary: A sample scenario.\n", "summary: A sample scenario.\nowner: me\n")
            .starts_with("scenarios/sample.yaml:5:1: owner: unknown key in scenario"));
  CHECK(scenario_error("name: sample", "name: other") ==
        "scenarios/sample.yaml:2:7: name: \"other\" must match the file name \"sample.yaml\"");
  CHECK(scenario_error("severity: P2", "severity: P5") ==
        "scenarios/sample.yaml:5:11: severity: expected P1, P2, P3 or P4");
  CHECK(scenario_error("version: 1", "version: 2") == "scenarios/sample.yaml:1:10: version: expected 1");
  CHECK(scenario_error("[alpha, beta-two]", "[alpha, Beta_two]").find("\"Beta_two\": expected lower-case words") !=
        std::string::npos);
  CHECK(scenario_error("[alpha, beta-two]", "[alpha, alpha]").find("\"alpha\" is listed twice") != std::string::npos);
  CHECK(scenario_error("[alpha, beta-two]", "[]").find("signals: expected a non-empty list") != std::string::npos);
  CHECK(scenario_error("  isolate: [Cut it off.]\n", "") ==
        "scenarios/sample.yaml:10:3: playbook.isolate: is required");
  CHECK(scenario_error("credguard checklist daily", "credguard chekclist daily")
            .starts_with("scenarios/sample.yaml:13:12: playbook.investigate.run: \"credguard chekclist daily --only "
                         "host\": not a credguard command"));
  CHECK(scenario_error("    - do: Run the checks.\n", "    - run: x\n").find("do: is required") != std::string::npos);
  CHECK(scenario_error("    - Look at it.\n", "    - Look: at it.\n").find("quote a step whose text contains") !=
        std::string::npos);
  CHECK(scenario_error("trigger: Something happens.\n", "").find("trigger: is required") != std::string::npos);
  CHECK(scenario_error("title: Sample", "title: [a").find("not valid YAML") != std::string::npos);
}

TEST_CASE("scenarios: --signals ranks by signals matched, then by share of the scenario's signals")
{
  auto scenarios = load_scenarios("");
  auto names = [](const std::vector<ScenarioMatch>& matches) {
    std::vector<std::string> out;
    for (const auto& m : matches) {
      out.push_back(m.scenario->name + ":" + std::to_string(m.matched.size()));
    }
    return out;
  };
  CHECK(names(rank_scenarios(scenarios, {"node-not-ready", "api-latency"})) ==
        std::vector<std::string>{"node-crash:2", "cost-spike:1"});
  // drift + precision-drop: data-lag and model-drift match two each (same share: by name), graph-poisoning one
  CHECK(names(rank_scenarios(scenarios, {"drift", "precision-drop"})) ==
        std::vector<std::string>{"data-lag:2", "model-drift:2", "graph-poisoning:1"});
  // equal counts: the scenario with fewer signals (a larger share matched) first
  CHECK(names(rank_scenarios(scenarios, {"metrics-missing", "drift"})).front() == "telemetry-blackout:1");
  CHECK(rank_scenarios(scenarios, {"nothing-like-this"}).empty());
  auto known = known_signals(scenarios);
  CHECK(std::is_sorted(known.begin(), known.end()));
  CHECK(std::find(known.begin(), known.end(), "node-not-ready") != known.end());
}

TEST_CASE("scenarios: a scenario directory replaces and adds scenarios by name")
{
  test::TempDir dir;
  std::string replaced = k_valid;
  replaced = std::regex_replace(replaced, std::regex("name: sample"), "name: data-lag");
  replaced = std::regex_replace(replaced, std::regex("title: Sample"), "title: Our data lag");
  dir.write("data-lag.yaml", replaced);
  dir.write("sample.yaml", k_valid);
  dir.write("notes.txt", "not a scenario");
  auto scenarios = load_scenarios(dir.path().string());
  CHECK(scenarios.size() == 10);
  REQUIRE(find_scenario(scenarios, "data-lag") != nullptr);
  CHECK(find_scenario(scenarios, "data-lag")->title == "Our data lag");
  CHECK(find_scenario(scenarios, "sample") != nullptr);

  dir.write("broken.yaml", "version: 1\nname: broken\n");
  CHECK_THROWS_AS(load_scenarios(dir.path().string()), Error);
  CHECK_THROWS_AS(load_scenarios((dir / "missing").string()), Error);
}

TEST_CASE("scenarios: JSON carries the playbook with its commands")
{
  auto scenarios = load_scenarios("");
  auto json = to_json(*find_scenario(scenarios, "model-drift"));
  CHECK(json["severity"]["level"] == "P2");
  CHECK(json["playbook"]["mitigate"][0]["run"].get<std::string>().starts_with("credguard rollback"));
  CHECK(json["signals"].size() == 6);
}
