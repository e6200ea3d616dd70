#include "cmd/incident/plan_output.hpp"

#include <credguard/core/strings.hpp>
#include <credguard/core/table.hpp>
#include <credguard/core/time_format.hpp>
#include <credguard/journal/milestones.hpp>
#include <credguard/journal/names.hpp>

#include <fmt/format.h>

namespace credguard::cli {

namespace {

Color color_of(incident::Outcome outcome, bool ran)
{
  if (!ran) {
    return Color::grey;
  }
  switch (outcome) {
  case incident::Outcome::ok: return Color::green;
  case incident::Outcome::repaired: return Color::yellow;
  case incident::Outcome::failed: return Color::red;
  case incident::Outcome::skipped: return Color::grey;
  }
  return Color::none;
}

// ok on a rerun that found the world as desired reads "in place".
std::string result_word(const incident::StepReport& step)
{
  if (!step.ran) {
    return "not run";
  }
  if (step.outcome == incident::Outcome::ok && step.done_before) {
    return "in place";
  }
  return std::string(incident::to_string(step.outcome));
}

} // namespace

void print_plan(Context& ctx, const incident::Plan& plan)
{
  ctx.out() << fmt::format("Plan: {} {}{}\n", plan.command, plan.target,
                           plan.incident.empty() ? "" : " under " + plan.incident);
  for (std::size_t i = 0; i < plan.steps.size(); ++i) {
    // Descriptions carry what the registry and the cluster answered.
    ctx.out() << fmt::format("  {}. {}\n", i + 1, escape_controls(plan.steps[i].description));
  }
  ctx.out() << fmt::format("  {}. journal a summary of every step\n", plan.steps.size() + 1);
}

nlohmann::json plan_json(const incident::Plan& plan)
{
  nlohmann::json steps = nlohmann::json::array();
  for (const auto& step : plan.steps) {
    steps.push_back({{"step", step.name}, {"description", step.description}});
  }
  return steps;
}

incident::RunOptions progress_options(Context& ctx, const incident::Plan& plan, const std::atomic<bool>* interrupted)
{
  incident::RunOptions options;
  options.interrupted = interrupted;
  std::size_t total = plan.steps.size();
  if (!ctx.progress()) {
    return options;
  }
  options.on_start = [&ctx, total](const incident::Step& step, std::size_t index) {
    ctx.err() << fmt::format("[{}/{}] {}: {}\n", index + 1, total, step.name, step.description) << std::flush;
  };
  options.on_done = [&ctx, total](const incident::StepReport& step, std::size_t index) {
    ctx.err() << fmt::format("[{}/{}] {}: {} ({}) {}\n", index + 1, total, step.name, result_word(step),
                             format_duration(step.duration), step.summary)
              << std::flush;
  };
  return options;
}

void print_report(Context& ctx, const incident::PlanReport& report)
{
  bool color = ctx.color();
  Table table({"STEP", "RESULT", "DURATION", "DETAIL"});
  for (const auto& step : report.steps) {
    table.add_row({step.name, Cell(result_word(step), color_of(step.outcome, step.ran)), format_duration(step.duration),
                   step.summary});
  }
  table.render(ctx.out(), color);
}

nlohmann::json report_json(const incident::PlanReport& report)
{
  nlohmann::json steps = nlohmann::json::array();
  for (const auto& step : report.steps) {
    steps.push_back({{"step", step.name},
                     {"outcome", step.ran ? std::string(incident::to_string(step.outcome)) : "not_run"},
                     {"done_before", step.done_before},
                     {"summary", step.summary},
                     {"duration_ms", step.duration.count()},
                     {"evidence", step.evidence}});
  }
  return steps;
}

void print_purge_table(Context& ctx, const nlohmann::json& evidence, const std::string& actor)
{
  if (!evidence.is_object() || !evidence.contains("endpoints") || evidence["endpoints"].empty()) {
    return;
  }
  Table table({"LAYER", "ENDPOINT", "RESULT", "STATUS", "TIME", "AT", "BY", "DETAIL"});
  for (const auto& item : evidence["endpoints"]) {
    bool ok = item.value("ok", false);
    table.add_row({item.value("layer", "-"), item.value("id", "-"),
                   Cell(ok ? "purged" : "FAILED", ok ? Color::green : Color::red),
                   item.contains("status") ? std::to_string(item.value("status", 0L)) : "-",
                   item.contains("ms") ? fmt::format("{}ms", item.value("ms", 0LL)) : "-", item.value("at", "-"), actor,
                   item.value("detail", "")});
  }
  ctx.out() << '\n';
  table.render(ctx.out(), ctx.color());
}

std::string traffic_line(const incident::PlanReport& report, const std::vector<journal::Entry>& trail)
{
  std::string line;
  if (auto blocked = journal::traffic_blocked(trail)) {
    auto at = parse_rfc3339(blocked->time);
    std::string after = at && *at >= report.t0
                            ? " (T+" + format_duration(std::chrono::duration_cast<Millis>(*at - report.t0)) + ")"
                            : "";
    bool this_run = at && *at >= report.started_at;
    line = fmt::format("Traffic blocked by the {} at {}{}, entry {}{}.", blocked->by, blocked->time, after,
                       blocked->seq, this_run ? "" : ", in an earlier run");
  } else {
    line = "Traffic NOT blocked: no denylist holds it, no alias was moved off it, and no proof found it blocked.";
  }
  if (const auto* proof = report.find(std::string(journal::step::proof)); proof != nullptr && proof->ran) {
    line += fmt::format("\nChecked now: {}.", proof->summary);
  }
  // The proof names places (CronJobs, endpoints) as the servers gave them.
  return escape_controls(line, true);
}

void print_next(Context& ctx, const std::vector<std::string>& commands)
{
  if (commands.empty()) {
    return;
  }
  ctx.out() << "Next:\n";
  for (const auto& command : commands) {
    ctx.out() << "  " << escape_controls(command) << '\n';
  }
}

} // namespace credguard::cli
