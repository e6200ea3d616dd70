#pragma once

#include "cli/verb.hpp"

#include <credguard/triage/batch.hpp>
#include <credguard/triage/decision.hpp>
#include <credguard/triage/scenario.hpp>

#include <optional>
#include <string>
#include <vector>

namespace credguard::cli {

// triage: the guard-trip decision tree, and the incident scenarios.
struct TriageOptions {
  // One event, from flags and/or a JSON file (flags win).
  std::optional<double> risk_score;
  std::optional<long long> heartbeat_misses;
  std::string tenant;
  std::string capsule;
  std::string model;
  std::optional<long long> capsules_affected;
  bool maintenance = false;   // also applies to every event of --batch
  bool recent_deploy = false; // also applies to every event of --batch
  std::string event_file;     // --event FILE ('-' = stdin)
  bool batch = false;         // JSON Lines on stdin
  std::string incident;       // journaled under it; generated when empty
  std::string reason;
  // Scenarios instead of a decision.
  bool list_scenarios = false;
  std::string scenario;
  std::vector<std::string> signals;
};

// Runs the mode the options select. Returns the decision's exit code (0
// false positive, 1 monitor/investigate, 2 legitimate; a batch returns its
// worst) or 0 for the scenario modes. Throws Error(usage) for conflicting
// or missing inputs, Error(data) for a malformed event.
int run_triage(const TriageOptions& options, Context& ctx);

// Adds triage's flags to `cmd`; `run` is called once they parse.
void configure_triage(CLI::App& cmd, Context& ctx, RunFn<TriageOptions> run = run_triage);

// The scenario modes: --list-scenarios, --scenario NAME, --signals LIST.
int run_triage_scenarios(const TriageOptions& options, Context& ctx);

// Prints one verdict (table or JSON) for `incident`; `journaled` says
// whether the journal holds it.
void render_verdict(Context& ctx, OutputFormat format, const triage::Verdict& verdict, const std::string& incident,
                    bool journaled);

// Prints a batch: the events that need attention (table) or all of them
// (JSON), then the counts.
void render_batch(Context& ctx, OutputFormat format, const triage::BatchResult& result, const std::string& incident,
                  bool journaled);

} // namespace credguard::cli
