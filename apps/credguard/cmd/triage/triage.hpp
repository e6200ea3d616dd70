#pragma once

#include "cli/verb.hpp"

#include <credguard/triage/batch.hpp>
#include <credguard/triage/decision.hpp>
#include <credguard/triage/maintenance.hpp>
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
  // --from-cluster: the incident bot's log, from Kubernetes.
  bool from_cluster = false;
  std::string ns;        // --namespace (default triage.bot_namespace, monitoring)
  std::string selector;  // --selector (default triage.bot_selector, app=incident-bot)
  std::string pod;       // --pod: this pod instead of the selector's
  std::string since;     // --since DURATION (default triage.bot_since, 1h)
  std::string container; // --container (default triage.bot_container)
  // --execute: run the rollback a legitimate verdict calls for.
  bool execute = false;
  bool yes = false;     // passed to rollback
  bool dry_run = false; // passed to rollback
  std::string incident; // journaled under it; generated when empty
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

// The cluster's word on the maintenance window: ConfigMap
// triage.maintenance_configmap (maintenance-status) in
// triage.maintenance_namespace (monitoring), read with
// triage::maintenance_from. nullopt when no cluster is configured. Never
// throws: a missing ConfigMap is no window; one that cannot be read (403,
// server down, unusable kubeconfig) is a window of unknown state, with a
// warning on stderr.
std::optional<triage::MaintenanceWindow> cluster_maintenance(Context& ctx);

// --from-cluster: reads the recent log of the incident bot's pods and
// triages the GuardTrip events in it like --batch. Returns the worst exit
// code. Throws Error(config) when no cluster is configured, the API's
// errors otherwise (77 refused, 65 no such pod/container, 69 unreachable
// or no pod matches).
int run_triage_from_cluster(const TriageOptions& options, Context& ctx, OutputFormat format,
                            const triage::Thresholds& thresholds);

// Journals a batch (--batch, --from-cluster) under the incident as `action`
// on `target`, with `context` added to the evidence, then prints it.
// Returns its exit code.
int finish_batch(const TriageOptions& options, Context& ctx, OutputFormat format, const triage::Thresholds& thresholds,
                 const triage::BatchResult& result, const std::string& action, const std::string& target,
                 const nlohmann::json& context);

// --execute after a verdict printed with exit code `code`: a legitimate
// incident runs rollback for the event's model (same confirmation rules,
// --yes and --dry-run passed on) under `incident` and returns rollback's
// exit code; any other decision runs nothing, says so, and returns `code`.
// Throws Error(usage) when the event names no model.
int execute_verdict(const TriageOptions& options, Context& ctx, const triage::Verdict& verdict,
                    const std::string& incident, int code);

// Prints one verdict (table or JSON) for `incident`; `journaled` says
// whether the journal holds it.
void render_verdict(Context& ctx, OutputFormat format, const triage::Verdict& verdict, const std::string& incident,
                    bool journaled);

// Prints a batch: the events that need attention (table) or all of them
// (JSON), then the counts.
void render_batch(Context& ctx, OutputFormat format, const triage::BatchResult& result, const std::string& incident,
                  bool journaled);

} // namespace credguard::cli
