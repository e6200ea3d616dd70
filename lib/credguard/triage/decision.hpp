#pragma once

#include <credguard/core/exit_code.hpp>
#include <credguard/triage/event.hpp>
#include <credguard/triage/severity.hpp>
#include <credguard/triage/thresholds.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace credguard::triage {

// The call made on a guard trip. The exit code follows it: 0 false
// positive, 1 monitor or investigate, 2 legitimate incident.
enum class Decision { false_positive, monitor, investigate, legitimate };

// "false_positive", "monitor", "investigate", "legitimate".
std::string_view to_string(Decision decision);
// "False positive", "Monitor", "Investigate", "Legitimate incident".
std::string_view title(Decision decision);
// Parses to_string()'s names; nullopt otherwise.
std::optional<Decision> parse_decision(std::string_view text);
ExitCode exit_code(Decision decision);

// One node of the tree that was passed: what was looked at, its value, and
// the branch it chose.
struct Step {
  std::string check;  // "risk score"
  std::string value;  // "0.62"
  std::string result; // "medium (0.5 <= 0.62 < 0.8): look at heartbeat misses"
};

// What the tree says about one event.
struct Verdict {
  GuardTripEvent event;
  Decision decision = Decision::investigate;
  std::string action; // what to do, one line: "proceed with rollback"
  std::vector<Step> path;
  std::string risk_level;     // the tree's branch: low, medium, high
  std::string risk_band;      // the risk table's row: "0.5-0.8"
  std::string band_action;    // the row's action: investigate, monitor, proceed with rollback
  std::string fp_likelihood;  // the row's likelihood of a false positive: high, medium, low, very low
  std::string heartbeat_band; // none, network, suspicious, compromise, unknown
  Severity severity = Severity::p3;
};

// Runs the decision tree:
//   risk < false_positive_below: false positive, unless the heartbeat misses
//     reach the compromise band (monitor);
//   risk >= rollback_from: legitimate (context never lowers it; several
//     capsules or compromise-band misses make it P1);
//   in between, heartbeat misses decide: unknown -> investigate,
//     < suspicious_from -> false positive (network), >= compromise_from ->
//     legitimate, suspicious -> legitimate unless a maintenance window, a
//     recent deploy or several capsules at once explain them (investigate).
// Values on an edge belong to the band above. `event.risk_score` must be set.
Verdict decide(GuardTripEvent event, const Thresholds& thresholds);

// A command to run next and when to run it.
struct NextStep {
  std::string when;
  std::string run;      // rendered with shell_command(): runs as printed
  bool complete = true; // false: `run` still has a placeholder (MODEL, VERSION, N) to fill in
};

// The exact commands that follow from the verdict, for `incident`. Model,
// tenant and capsule come from the event; unknown ones are placeholders
// in capitals (MODEL@VERSION).
std::vector<NextStep> next_steps(const Verdict& verdict, std::string_view incident);

// The verdict as JSON (decision, action, exit_code, severity, bands, path,
// inputs); the layout of `triage --output json` and the journal evidence.
nlohmann::json to_json(const Verdict& verdict);
nlohmann::json to_json(const std::vector<NextStep>& steps);

} // namespace credguard::triage
