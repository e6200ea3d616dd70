#pragma once

#include <credguard/triage/severity.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace credguard::triage {

// One step of a playbook: what to do and, where one applies, the command.
struct PlaybookStep {
  std::string text;
  std::string command; // empty when none applies
};

// An incident scenario, as written in scenarios/<name>.yaml:
//   version: 1
//   name: data-lag                 # the file's name without .yaml
//   title: Data lag
//   summary: one line
//   severity: P3                   # the usual severity (P1-P4)
//   trigger: what sets it off
//   expected: [what the platform does]
//   signals: [etl-lag, drift]      # lower-case words joined by '-'
//   playbook:
//     investigate: [{do: text, run: command}, "text only"]
//     isolate: [...]
//     mitigate: [...]
//     postmortem: [...]
struct Scenario {
  std::string name;
  std::string title;
  std::string summary;
  Severity severity = Severity::p3;
  std::string trigger;
  std::vector<std::string> expected;
  std::vector<std::string> signals;
  std::vector<PlaybookStep> investigate;
  std::vector<PlaybookStep> isolate;
  std::vector<PlaybookStep> mitigate;
  std::vector<PlaybookStep> postmortem;
  std::string source; // "scenarios/data-lag.yaml"
};

// The four phases of a playbook, in order, with their names.
std::vector<std::pair<std::string_view, const std::vector<PlaybookStep>*>> phases(const Scenario& scenario);

// The credguard commands a playbook step may name (the design's command
// set, including commands not built yet).
const std::vector<std::string_view>& known_commands();

// Parses and validates one scenario file against the schema above: every
// key known, required keys present and non-empty, signals well formed and
// unique, severity P1-P4, `run` commands starting with "credguard" naming a
// known command. `source` ending in <name>.yaml must match `name`. Throws
// Error(config) "<source>:<line>:<column>: <key>: <problem>".
Scenario parse_scenario(std::string_view yaml, const std::string& source);

// The embedded scenarios, with those of `dir` (when not empty) replacing or
// adding to them by name; sorted by name. Throws Error(config) for a bad
// file or an unreadable directory.
std::vector<Scenario> load_scenarios(const std::string& dir);

// The scenario called `name`, or nullptr.
const Scenario* find_scenario(const std::vector<Scenario>& scenarios, std::string_view name);

// Every signal used by some scenario, sorted.
std::vector<std::string> known_signals(const std::vector<Scenario>& scenarios);

// A scenario that shares signals with the ones observed.
struct ScenarioMatch {
  const Scenario* scenario = nullptr;
  std::vector<std::string> matched; // in the scenario's order
};

// The scenarios sharing at least one of `signals`, best first: more signals
// matched first, then the larger share of the scenario's own signals, then
// by name.
std::vector<ScenarioMatch> rank_scenarios(const std::vector<Scenario>& scenarios,
                                          const std::vector<std::string>& signals);

nlohmann::json to_json(const Scenario& scenario);

} // namespace credguard::triage
