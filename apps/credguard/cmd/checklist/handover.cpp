#include "cmd/checklist/handover.hpp"

#include "cli/time_arg.hpp"

#include <credguard/core/error.hpp>
#include <credguard/core/files.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/core/table.hpp>
#include <credguard/journal/shift_report.hpp>

#include <fmt/format.h>

namespace credguard::cli {

namespace {

std::string count(const nlohmann::json& summary, const char* key)
{
  return summary.contains(key) ? summary[key].dump() : "-";
}

Color outcome_color(const std::string& outcome)
{
  if (outcome == "fail" || outcome == "failed") {
    return Color::red;
  }
  if (outcome == "warn" || outcome == "started") {
    return Color::yellow;
  }
  return outcome == "unknown" ? Color::blue : Color::none;
}

void render(Context& ctx, const journal::ShiftReport& report)
{
  bool color = ctx.color();
  auto& out = ctx.out();
  out << fmt::format("Shift handover {} .. {}\n\n", report.shift_start, report.shift_end);

  out << "Last checklist runs\n";
  if (report.checklists.empty()) {
    out << "  none journaled: run credguard checklist daily\n";
  } else {
    Table table({"CHECKLIST", "TIME", "BY", "RESULT", "PASS", "WARN", "FAIL", "UNKNOWN", "SKIP"});
    for (const auto& run : report.checklists) {
      table.add_row({run.checklist, run.time, run.actor, Cell(run.outcome, outcome_color(run.outcome)),
                     count(run.summary, "pass"), count(run.summary, "warn"), count(run.summary, "fail"),
                     count(run.summary, "unknown"), count(run.summary, "skip")});
    }
    table.render(out, color);
    for (const auto& run : report.checklists) {
      if (run.problems.empty()) {
        continue;
      }
      out << fmt::format("\nNot passing in the last {} run\n", run.checklist);
      Table problems({"STATUS", "CHECK", "VALUE", "DETAIL"});
      for (const auto& problem : run.problems) {
        std::string status = problem.value("status", "");
        problems.add_row({Cell(status, outcome_color(to_lower(status))), problem.value("id", ""),
                          problem.value("value", ""), problem.value("detail", "")});
      }
      problems.render(out, color);
    }
  }

  out << fmt::format("\nOpen incidents: {}\n", report.open_incidents());
  if (!report.incidents.empty()) {
    Table table({"INCIDENT", "OPEN", "PENDING", "FIRST", "LAST", "LAST ACTION", "OUTCOME"});
    for (const auto& incident : report.incidents) {
      table.add_row({incident.id,
                     Cell(incident.pending > 0 ? "yes" : "no", incident.pending > 0 ? Color::red : Color::none),
                     std::to_string(incident.pending), incident.first_time, incident.last_time, incident.last_action,
                     incident.last_outcome});
    }
    table.render(out, color);
  }
  if (!report.pending.empty()) {
    out << "\nPending steps (started and not finished, or failed)\n";
    Table table({"INCIDENT", "STEP", "TARGET", "STATE", "SINCE", "BY"});
    for (const auto& step : report.pending) {
      table.add_row({step.incident, step.action, step.target, Cell(step.state, outcome_color(step.state)), step.time,
                     step.actor});
    }
    table.render(out, color);
  }

  std::vector<std::string> actions;
  for (const auto& [action, n] : report.shift_actions) {
    actions.push_back(fmt::format("{} x{}", action, n));
  }
  out << fmt::format("\nThis shift: {} journal {}{}{}\n", report.shift_entries,
                     report.shift_entries == 1 ? "entry" : "entries", actions.empty() ? "" : ": ", join(actions, ", "));
}

} // namespace

int run_checklist_handover(const HandoverOptions& options, Context& ctx)
{
  auto format = ctx.output_format({OutputFormat::table, OutputFormat::json});
  auto shift_start = parse_time_arg("--since", options.since, ctx.clock());
  auto lookback = parse_time_arg("--lookback", options.lookback, ctx.clock());
  if (!shift_start || !lookback) {
    throw Error(ErrorKind::usage, "--since and --lookback need a value such as 12h or 2026-11-23T08:00:00Z");
  }
  auto& journal = ctx.journal(journal::Journal::Mode::read_write);
  journal::Filter filter;
  filter.since = std::min(*shift_start, *lookback);
  auto report = journal::build_shift_report(journal.list(filter), *shift_start, ctx.clock().now());
  if (format == OutputFormat::json) {
    ctx.out() << journal::to_json(report).dump(2) << '\n';
  } else {
    render(ctx, report);
  }
  nlohmann::json open = nlohmann::json::array();
  for (const auto& incident : report.incidents) {
    if (incident.pending > 0) {
      open.push_back(incident.id);
    }
  }
  nlohmann::json checklists = nlohmann::json::object();
  for (const auto& run : report.checklists) {
    checklists[run.checklist] = {{"outcome", run.outcome}, {"seq", run.seq}};
  }
  try {
    journal.append(journal::EntryDraft{ctx.command_line(),
                                       "",
                                       "checklist.handover",
                                       host_name(),
                                       "ok",
                                       "",
                                       {{"shift_start", report.shift_start},
                                        {"open_incidents", open},
                                        {"pending_steps", report.pending.size()},
                                        {"checklists", checklists}}});
  } catch (const Error& e) {
    ctx.log().warn(fmt::format("this handover was not recorded in the journal: {}", e.what()));
  }
  return 0;
}

void add_checklist_handover(CLI::App& parent, Context& ctx, RunFn<HandoverOptions> run)
{
  auto options = std::make_shared<HandoverOptions>();
  auto* cmd = parent.add_subcommand("handover", "Shift report: last checklist results, open incidents, pending steps");
  cmd->add_option("--since", options->since, "Start of the shift (RFC 3339, date, or age such as 12h)")
      ->capture_default_str();
  cmd->add_option("--lookback", options->lookback, "How far back to look for open incidents (e.g. 30d)")
      ->capture_default_str();
  cmd->footer("Built from the journal: the newest run of each checklist, incidents with steps started and not\n"
              "finished or failed, and what was journaled since --since. The handover itself is journaled.");
  on_parsed(*cmd, ctx, options, std::move(run));
}

} // namespace credguard::cli
