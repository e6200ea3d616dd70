#pragma once

#include "cli/context.hpp"

#include <credguard/incident/plan.hpp>
#include <credguard/journal/entry.hpp>

#include <nlohmann/json.hpp>

#include <atomic>
#include <string>
#include <vector>

namespace credguard::cli {

// How the incident commands print plans, progress and reports.

// Prints the plan, numbered, on stdout: the whole --dry-run output.
void print_plan(Context& ctx, const incident::Plan& plan);

// The plan as JSON: [{step, description}].
nlohmann::json plan_json(const incident::Plan& plan);

// Progress on stderr as each step starts and ends.
incident::RunOptions progress_options(Context& ctx, const incident::Plan& plan, const std::atomic<bool>* interrupted);

// Prints each step's result and duration on stdout.
void print_report(Context& ctx, const incident::PlanReport& report);

// The steps as JSON: [{step, outcome, done_before, summary, duration_ms, evidence}].
nlohmann::json report_json(const incident::PlanReport& report);

// Prints the per-endpoint purge table (layer, endpoint, result, status,
// time, when, by whom) from a purge step's evidence; nothing when empty.
void print_purge_table(Context& ctx, const nlohmann::json& evidence, const std::string& actor);

// One line on when traffic was blocked, from the plan's journal entries
// (journal::traffic_blocked, the post-mortem's answer too), relative to
// the plan's T0; and the proof step's verdict of this run when it ran.
std::string traffic_line(const incident::PlanReport& report, const std::vector<journal::Entry>& trail);

// The "Next:" block: each command on its own line, indented.
void print_next(Context& ctx, const std::vector<std::string>& commands);

} // namespace credguard::cli
