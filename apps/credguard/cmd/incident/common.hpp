#pragma once

#include "cli/context.hpp"

#include <credguard/incident/plan.hpp>
#include <credguard/registry/registry.hpp>

#include <nlohmann/json.hpp>

#include <atomic>
#include <memory>
#include <optional>
#include <string>

namespace credguard::cli {

// What the incident commands (revoke, purge-cache, and later quarantine and
// rollback) share: confirmation, Ctrl-C handling, plan and report output.

// Throws Error(usage) unless `id` is a usable incident or change ID:
// 1-100 letters, digits, '.', '_', ':' or '-'.
void validate_incident_id(const std::string& id, const std::string& flag = "--incident");

// Asks before a changing command acts. With `yes`, returns true. On a
// terminal, asks on stderr and reads the answer ("y"/"yes"). Without a
// terminal, throws Error(usage) saying nothing changed and that --yes is
// needed. Returns false when the operator declines.
bool confirm(Context& ctx, bool yes, const std::string& question);

// While alive, SIGINT and SIGTERM set flag() instead of killing the process
// (a second Ctrl-C kills it); the plan stops after the current step.
class InterruptScope {
public:
  InterruptScope();
  ~InterruptScope();
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;

  const std::atomic<bool>& flag() const;
};

// What run_confirmed did. `report` is empty when nothing ran (a dry run,
// or the operator declined); `exit_code` is then the command's exit code.
struct ConfirmedRun {
  std::optional<incident::PlanReport> report;
  int exit_code = 0;
};

// The middle every changing incident command shares, once its plan is
// printed: a dry run stops here (printing `document` when the output is
// JSON); otherwise asks `question` (see confirm), then runs the plan with the
// journal open read-write, progress on stderr, and Ctrl-C stopping it after
// the current step.
ConfirmedRun run_confirmed(Context& ctx, const incident::Plan& plan, OutputFormat format, bool dry_run, bool yes,
                           const std::string& question, const nlohmann::json& document);

// The registry client from registry.* / MLFLOW_TRACKING_*. Throws
// Error(config) naming the keys when none is configured.
std::unique_ptr<registry::ModelRegistry> make_registry(Context& ctx);

// Prints the plan, numbered, on stdout: the whole --dry-run output.
void print_plan(Context& ctx, const incident::Plan& plan);

// The plan as JSON: [{step, description}].
nlohmann::json plan_json(const incident::Plan& plan);

// Progress on stderr as each step starts and ends.
incident::RunOptions progress_options(Context& ctx, const incident::Plan& plan, const std::atomic<bool>* interrupted);

// Prints each step's result and duration on stdout.
void print_report(Context& ctx, const incident::PlanReport& report);

// The steps as JSON: [{step, outcome, resumed, summary, duration_ms, evidence}].
nlohmann::json report_json(const incident::PlanReport& report);

// Prints the per-endpoint purge table (layer, endpoint, result, status,
// time, when, by whom) from a purge step's evidence; nothing when empty.
void print_purge_table(Context& ctx, const nlohmann::json& evidence, const std::string& actor);

} // namespace credguard::cli
