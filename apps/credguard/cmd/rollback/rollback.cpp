#include "cmd/rollback/rollback.hpp"

#include "cmd/commands.hpp"
#include "cmd/incident/confirm.hpp"
#include "cmd/incident/plan_output.hpp"
#include "cmd/incident/services.hpp"

#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/core/time_format.hpp>
#include <credguard/incident/rollback.hpp>
#include <credguard/registry/model_version.hpp>
#include <credguard/triage/incident_id.hpp>

#include <fmt/format.h>

namespace credguard::cli {

namespace {

std::vector<journal::Entry> alias_history(Context& ctx, const std::string& model)
{
  std::vector<journal::Entry> entries;
  if (!std::filesystem::exists(ctx.journal_path())) {
    return entries;
  }
  for (auto& entry : ctx.journal(journal::Journal::Mode::read_only).list({})) {
    if (entry.what.target == model || entry.what.target.starts_with(model + "@")) {
      entries.push_back(std::move(entry));
    }
  }
  return entries;
}

} // namespace

int run_rollback(const RollbackOptions& options, Context& ctx)
{
  auto format = ctx.output_format({OutputFormat::table, OutputFormat::json});
  registry::validate_model_name(options.model);
  triage::validate_incident_id(options.incident);
  auto settings = incident::rollback_settings(ctx.config());
  IncidentWiring wiring(ctx, {false, !settings.slo.empty()});
  incident::RollbackServices rollback{wiring.services(), settings, {}};
  incident::RollbackRequest request{options.model,
                                    options.to,
                                    options.incident,
                                    options.reason.empty() ? "rollback" : options.reason,
                                    journal::resolve_identity(ctx.env(), ctx.global.actor).actor,
                                    options.force,
                                    options.renotify};
  auto state = incident::inspect_rollback(rollback, request, alias_history(ctx, options.model));
  auto plan = incident::rollback_plan(rollback, request, state);
  std::vector<std::string> way_back;
  if (state.from) {
    way_back = {"credguard", "rollback", options.model, "--to", *state.from, "--incident", options.incident};
    if (state.from_state != registry::k_state_approved) {
      way_back.emplace_back("--force"); // --to wants an Approved version
    }
  }

  nlohmann::json document{{"schema_version", 1},
                          {"command", "rollback"},
                          {"incident", options.incident},
                          {"model", options.model},
                          {"from", state.from ? nlohmann::json(*state.from) : nlohmann::json()},
                          {"current", state.current ? nlohmann::json(*state.current) : nlohmann::json()},
                          {"to", state.target},
                          {"why", state.why},
                          {"rerun_of", state.rerun_of == 0 ? nlohmann::json() : nlohmann::json(state.rerun_of)},
                          {"skipped", state.skipped},
                          {"served_before", state.served_before},
                          {"forced", options.force},
                          {"dry_run", options.dry_run},
                          {"plan", plan_json(plan)}};
  if (format == OutputFormat::table) {
    ctx.out() << fmt::format("Rollback {}: production {} -> {} ({})\n", options.model, state.from.value_or("(unset)"),
                             state.target, state.why);
    if (state.rerun_of != 0) {
      ctx.out() << fmt::format("Production points at {} now. To roll back further, pass --to VERSION.\n",
                               state.current.value_or("(unset)"));
    }
    if (!state.skipped.empty()) {
      ctx.out() << "Passed over: " << escape_controls(join(state.skipped, ", ")) << '\n';
    }
    ctx.out() << (state.served_before
                      ? fmt::format("The journal shows {} served production before.\n", state.target)
                      : fmt::format("Warning: the journal has no record of {} serving production.\n", state.target));
    print_plan(ctx, plan);
  }
  auto run = run_confirmed(ctx, plan, format, options.dry_run, options.yes,
                           fmt::format("Move {} production to {}?", options.model, state.target), document);
  if (!run.report) {
    return run.exit_code;
  }
  const auto& report = *run.report;
  const auto* alias = report.find("alias");
  // What the registry showed when the alias step looked, not what it hoped.
  bool on_target = alias != nullptr && alias->ran &&
                   (alias->outcome == incident::Outcome::ok || alias->outcome == incident::Outcome::repaired);
  std::string observed = on_target ? state.target : state.current.value_or("(unset)");
  if (alias != nullptr && alias->evidence.contains("observed")) {
    const auto& seen = alias->evidence["observed"];
    observed = seen.is_string() ? seen.get<std::string>() : "(unset)";
  }
  std::vector<std::string> next = {shell_command({"credguard", "journal", "list", "--incident", options.incident}),
                                   shell_command({"credguard", "postmortem", options.incident})};
  if (format == OutputFormat::json) {
    document["steps"] = report_json(report);
    document["alias_moved"] = on_target;
    document["production"] = observed;
    document["way_back"] = on_target && !way_back.empty() ? nlohmann::json(shell_command(way_back)) : nlohmann::json();
    document["next"] = next;
    document["exit_code"] = report.exit_code();
    ctx.out() << document.dump(2) << '\n';
    return report.exit_code();
  }
  ctx.out() << '\n';
  print_report(ctx, report);
  ctx.out() << '\n';
  if (report.exit_code() == 0) {
    ctx.out() << fmt::format("Rollback done: production is {}@{} (read back). Total {}.\n", options.model, state.target,
                             format_duration(report.duration));
  } else if (!on_target) {
    ctx.out() << fmt::format("Rollback FAILED before the alias moved: production points at {} (read back).\n",
                             observed);
  } else {
    ctx.out() << fmt::format("Rollback NOT VALIDATED: production points at {} (was {}). credguard does not move it\n"
                             "back by itself.\n",
                             state.target, state.from.value_or("(unset)"));
    if (!way_back.empty()) {
      ctx.out() << "To move it back:\n  " << shell_command(way_back) << '\n';
    }
  }
  print_next(ctx, next);
  return report.exit_code();
}

void add_rollback(CLI::App& cmd, Context& ctx)
{
  auto options = std::make_shared<RollbackOptions>();
  cmd.add_option("MODEL", options->model, "Registered model name")->required();
  cmd.add_option("--to", options->to, "Version to roll back to (default: newest Approved, not Revoked/Quarantined)");
  cmd.add_option("--incident", options->incident, "Incident or change ID; rerunning with it resumes")->required();
  cmd.add_option("--reason", options->reason, "Why (journaled)");
  cmd.add_flag("--force", options->force, "Allow --to a version that is not Approved (journaled)");
  cmd.add_flag("--renotify", options->renotify, "Send alias_updated again on a rerun");
  cmd.add_flag("--dry-run", options->dry_run, "Print the plan and change nothing");
  cmd.add_flag("-y,--yes", options->yes, "Do not ask for confirmation (needed without a terminal)");
  cmd.footer("Steps: pre-warm the target in TorchServe/Triton and wait until ready (a failure stops here),\n"
             "move the production alias, purge the caches of the version that was serving, validate health\n"
             "and the rollback.slo Prometheus queries over rollback.settle, emit alias_updated. A failed\n"
             "validation exits 2 and prints the command that moves the alias back; it is never moved back\n"
             "automatically. A plan is the change: incident, model and --to. Rerunning the same command\n"
             "finds its own alias move and goes on with purge, validation and events; another --to under\n"
             "the same incident is another rollback. Without --to, versions a rollback under the incident\n"
             "moved production away from are passed over. --to must name an Approved version unless --force.\n"
             "Exit: 0 done, 2 a step failed, 64 usage or not confirmed, 65 no target, 69 registry down.");
  on_parsed<RollbackOptions>(cmd, ctx, options, run_rollback);
}

} // namespace credguard::cli
