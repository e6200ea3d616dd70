#include "cmd/revoke/revoke.hpp"

#include "cmd/commands.hpp"
#include "cmd/incident/common.hpp"
#include "cmd/incident/services.hpp"

#include <credguard/core/error.hpp>
#include <credguard/core/time_format.hpp>
#include <credguard/incident/revoke.hpp>
#include <credguard/registry/model_version.hpp>

#include <fmt/format.h>

namespace credguard::cli {

namespace {

std::vector<std::string> next_commands(const RevokeOptions& options)
{
  return {fmt::format("credguard quarantine {} {} --incident {}   # forensic copy of the artifacts", options.model,
                      options.version, options.incident),
          fmt::format("credguard postmortem --incident {}", options.incident),
          fmt::format("credguard journal list --incident {}", options.incident)};
}

} // namespace

int run_revoke(const RevokeOptions& options, Context& ctx)
{
  auto format = ctx.output_format({OutputFormat::table, OutputFormat::json});
  registry::validate_model_name(options.model);
  registry::validate_version_label(options.version);
  validate_incident_id(options.incident);
  if (options.reason.empty()) {
    throw Error(ErrorKind::usage, "--reason must say why the version is revoked");
  }
  auto services = load_incident_services(ctx);
  auto registry = make_registry(ctx);
  incident::RevokeServices revoke{*registry,      ctx.http(),       ctx.clock(),           services.events,
                                  services.purge, services.serving, services.cluster.get()};
  incident::RevokeRequest request{options.model,
                                  options.version,
                                  options.incident,
                                  options.reason,
                                  options.planned,
                                  options.to,
                                  journal::resolve_identity(ctx.env(), ctx.global.actor).actor};
  auto state = incident::inspect_revoke(revoke, request);
  auto plan = incident::revoke_plan(revoke, request, state);

  nlohmann::json document{{"schema_version", 1},          {"command", "revoke"},
                          {"incident", options.incident}, {"model", options.model},
                          {"version", options.version},   {"mode", options.planned ? "planned" : "emergency"},
                          {"dry_run", options.dry_run},   {"plan", plan_json(plan)}};
  if (format == OutputFormat::table) {
    print_plan(ctx, plan);
  }
  auto run = run_confirmed(ctx, plan, format, options.dry_run, options.yes,
                           fmt::format("Revoke {} under {}?", plan.target, plan.incident), document);
  if (!run.report) {
    return run.exit_code;
  }
  const auto& report = *run.report;
  auto blocked = incident::traffic_blocked(report);

  if (format == OutputFormat::json) {
    document["steps"] = report_json(report);
    document["t0"] = format_rfc3339(report.t0);
    document["duration_ms"] = report.duration.count();
    document["traffic_blocked_ms"] =
        blocked && !blocked->earlier ? nlohmann::json(blocked->after.count()) : nlohmann::json();
    document["traffic_blocked_by"] = blocked ? nlohmann::json(blocked->by) : nlohmann::json();
    document["interrupted"] = report.interrupted;
    document["next"] = next_commands(options);
    document["exit_code"] = report.exit_code();
    ctx.out() << document.dump(2) << '\n';
    return report.exit_code();
  }
  ctx.out() << '\n';
  print_report(ctx, report);
  if (const auto* purge = report.find("purge"); purge != nullptr) {
    print_purge_table(ctx, purge->evidence, ctx.journal().identity().actor);
  }
  ctx.out() << '\n'
            << (!blocked ? std::string("Traffic NOT blocked: neither the denylist nor the alias step is done.")
                : blocked->earlier ? fmt::format("Traffic was blocked by the {} in an earlier run.", blocked->by)
                                   : fmt::format("Traffic blocked by the {} {} after start.", blocked->by,
                                                 format_duration(blocked->after)))
            << fmt::format(" Total {}. T0 {}.\n", format_duration(report.duration), format_rfc3339_seconds(report.t0));
  if (report.interrupted) {
    ctx.out() << "Interrupted: rerun the same command to resume where it stopped.\n";
  } else if (report.exit_code() != 0) {
    ctx.out() << "Some steps failed: fix the cause and rerun the same command; done steps are not repeated.\n";
  }
  ctx.out() << "Next:\n";
  for (const auto& line : next_commands(options)) {
    ctx.out() << "  " << line << '\n';
  }
  return report.exit_code();
}

void add_revoke_command(CLI::App& cmd, Context& ctx, RunFn<RevokeOptions> run)
{
  auto options = std::make_shared<RevokeOptions>();
  cmd.add_option("MODEL", options->model, "Registered model name")->required();
  cmd.add_option("VERSION", options->version, "Model version to revoke")->required();
  cmd.add_option("--incident", options->incident, "Incident or change ID; rerunning with it resumes")->required();
  cmd.add_option("--reason", options->reason, "Why the version is revoked (journaled, tagged, announced)")->required();
  auto* emergency = cmd.add_flag("--emergency", options->emergency,
                                 "Emergency revocation (default): remove production when no Approved version is left");
  auto* planned = cmd.add_flag("--planned", options->planned,
                               "Planned revocation: production must move to another version, never be removed");
  emergency->excludes(planned);
  cmd.add_option("--to", options->to, "Move production to this version (default: newest Approved below VERSION)");
  cmd.add_flag("--dry-run", options->dry_run, "Print the plan and change nothing");
  cmd.add_flag("-y,--yes", options->yes, "Do not ask for confirmation (needed without a terminal)");
  cmd.footer("Steps: mark Revoked in the registry, emit model.revoked, denylist, purge every cache layer,\n"
             "cut the production alias, suspend batch CronJobs and record T0. Each step is journaled as\n"
             "started and then ok/failed/skipped; rerunning with the same --incident resumes and repeats\n"
             "nothing already done. Exit: 0 done, 2 a step failed, 65 unknown model/version, 64 not\n"
             "confirmed, 74 journal not writable, 130 interrupted.");
  on_parsed(cmd, ctx, options, std::move(run));
}

void add_revoke(CLI::App& cmd, Context& ctx)
{
  add_revoke_command(cmd, ctx);
}

} // namespace credguard::cli
