#pragma once

#include "cli/context.hpp"

#include <credguard/core/interrupt.hpp>
#include <credguard/incident/plan.hpp>
#include <credguard/journal/entry.hpp>

#include <nlohmann/json.hpp>

#include <atomic>
#include <optional>
#include <string>
#include <vector>

namespace credguard::cli {

// What every changing incident command does between its plan and its
// report: the dry run, the confirmation, Ctrl-C, running the plan.

// Asks before a changing command acts. With `yes`, returns true. On a
// terminal, asks on stderr and reads the answer ("y"/"yes"). Without a
// terminal, throws Error(usage) saying nothing changed and that --yes is
// needed. Returns false when the operator declines.
bool confirm(Context& ctx, bool yes, const std::string& question);

// What run_confirmed did. `report` is empty when nothing ran (a dry run,
// or the operator declined); `exit_code` is then the command's exit code.
// `trail` holds every journal entry of the plan, earlier runs included.
struct ConfirmedRun {
  std::optional<incident::PlanReport> report;
  int exit_code = 0;
  std::vector<journal::Entry> trail = {};
};

// The middle every changing incident command shares, once its plan is
// printed: a dry run stops here (printing `document` when the output is
// JSON); otherwise asks `question` (see confirm), then runs the plan with the
// journal open read-write, progress on stderr, and Ctrl-C stopping it after
// the current step.
ConfirmedRun run_confirmed(Context& ctx, const incident::Plan& plan, OutputFormat format, bool dry_run, bool yes,
                           const std::string& question, const nlohmann::json& document);

} // namespace credguard::cli
