#include "cmd/rollback/rollback.hpp"

#include "cmd/commands.hpp"
#include "cmd/incident/common.hpp"
#include "cmd/incident/services.hpp"

#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/core/time_format.hpp>
#include <credguard/incident/rollback.hpp>
#include <credguard/registry/model_version.hpp>

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
  validate_incident_id(options.incident);
  auto services = load_incident_services(ctx);
  auto registry = make_registry(ctx);
  auto settings = incident::rollback_settings(ctx.config());
  incident::RevokeServices revoke{*registry,      ctx.http(),       ctx.clock(),           services.events,
                                  services.purge, services.serving, services.cluster.get()};
  incident::RollbackServices rollback{revoke, settings, settings.slo.empty() ? nullptr : &ctx.prometheus(), {}};
  incident::RollbackRequest request{options.model, options.to, options.incident,
                                    options.reason.empty() ? "rollback" : options.reason,
                                    journal::resolve_identity(ctx.env(), ctx.global.actor).actor};
  auto state = incident::inspect_rollback(rollback, request, alias_history(ctx, options.model));
  auto plan = incident::rollback_plan(rollback, request, state);
  std::string previous = state.current.value_or("");
  std::string way_back = previous.empty() ? "(production had no version before)"
                                          : fmt::format("credguard rollback {} --to {} --incident {}", options.model,
                                                        previous, options.incident);

  nlohmann::json document{{"schema_version", 1},
                          {"command", "rollback"},
                          {"incident", options.incident},
                          {"model", options.model},
                          {"from", state.current ? nlohmann::json(*state.current) : nlohmann::json()},
                          {"to", state.target},
                          {"why", state.why},
                          {"skipped", state.skipped},
                          {"served_before", state.served_before},
                          {"dry_run", options.dry_run},
                          {"plan", plan_json(plan)}};
  if (format == OutputFormat::table) {
    ctx.out() << fmt::format("Rollback {}: production {} -> {} ({})\n", options.model,
                             state.current.value_or("(unset)"), state.target, state.why);
    if (!state.skipped.empty()) {
      ctx.out() << "Passed over: " << join(state.skipped, ", ") << '\n';
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
  bool moved = alias != nullptr && alias->outcome == incident::Outcome::ok && (alias->ran || alias->resumed);
  if (format == OutputFormat::json) {
    document["steps"] = report_json(report);
    document["alias_moved"] = moved;
    document["way_back"] = moved ? nlohmann::json(way_back) : nlohmann::json();
    document["exit_code"] = report.exit_code();
    ctx.out() << document.dump(2) << '\n';
    return report.exit_code();
  }
  ctx.out() << '\n';
  print_report(ctx, report);
  ctx.out() << '\n';
  if (report.exit_code() == 0) {
    ctx.out() << fmt::format("Rollback done: production is {}@{}. Total {}.\n", options.model, state.target,
                             format_duration(report.duration));
  } else if (!moved) {
    ctx.out() << fmt::format("Rollback FAILED before the alias moved: production still points at {}.\n",
                             state.current.value_or("(unset)"));
  } else {
    ctx.out() << fmt::format("Rollback NOT VALIDATED: production points at {} (was {}). credguard does not move it\n"
                             "back by itself. To move it back:\n  {}\n",
                             state.target, state.current.value_or("(unset)"), way_back);
  }
  ctx.out() << fmt::format("Next:\n  credguard journal list --incident {}\n  credguard postmortem --incident {}\n",
                           options.incident, options.incident);
  return report.exit_code();
}

void add_rollback(CLI::App& cmd, Context& ctx)
{
  auto options = std::make_shared<RollbackOptions>();
  cmd.add_option("MODEL", options->model, "Registered model name")->required();
  cmd.add_option("--to", options->to, "Version to roll back to (default: newest Approved, not Revoked/Quarantined)");
  cmd.add_option("--incident", options->incident, "Incident or change ID; rerunning with it resumes")->required();
  cmd.add_option("--reason", options->reason, "Why (journaled)");
  cmd.add_flag("--dry-run", options->dry_run, "Print the plan and change nothing");
  cmd.add_flag("-y,--yes", options->yes, "Do not ask for confirmation (needed without a terminal)");
  cmd.footer("Steps: pre-warm the target in TorchServe/Triton and wait until ready (a failure stops here),\n"
             "move the production alias, purge the caches of the version that was serving, validate health\n"
             "and the rollback.slo Prometheus queries over rollback.settle, emit alias_updated. A failed\n"
             "validation exits 2 and prints the command that moves the alias back; it is never moved back\n"
             "automatically. Exit: 0 done, 2 a step failed, 64 usage or not confirmed, 65 no target.");
  on_parsed<RollbackOptions>(cmd, ctx, options, run_rollback);
}

} // namespace credguard::cli
