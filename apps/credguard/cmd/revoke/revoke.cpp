#include "cmd/revoke/revoke.hpp"

#include "cmd/commands.hpp"
#include "cmd/incident/confirm.hpp"
#include "cmd/incident/plan_output.hpp"
#include "cmd/incident/services.hpp"

#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/core/time_format.hpp>
#include <credguard/incident/revoke.hpp>
#include <credguard/journal/milestones.hpp>
#include <credguard/registry/model_version.hpp>
#include <credguard/triage/incident_id.hpp>

#include <fmt/format.h>

namespace credguard::cli {

namespace {

// What the incident commander does next (seed 004 section 10.1: open the
// incident, start forensics), each line a command that runs as printed.
std::vector<std::string> next_commands(const RevokeOptions& options, bool forensic_configured)
{
  std::vector<std::string> next;
  if (!options.forensic && forensic_configured) {
    next.push_back(shell_command({"credguard", "revoke", options.model, options.version, "--incident", options.incident,
                                  "--reason", options.reason, "--forensic"}) +
                   "   # WORM copy of the artifacts and the evidence");
  }
  next.push_back(shell_command({"credguard", "status", options.model, options.version}));
  next.push_back(shell_command({"credguard", "postmortem", options.incident}));
  next.push_back(shell_command({"credguard", "journal", "list", "--incident", options.incident}));
  return next;
}

} // namespace

int run_revoke(const RevokeOptions& options, Context& ctx)
{
  auto format = ctx.output_format({OutputFormat::table, OutputFormat::json});
  registry::validate_model_name(options.model);
  registry::validate_version_label(options.version);
  triage::validate_incident_id(options.incident);
  if (options.reason.empty()) {
    throw Error(ErrorKind::usage, "--reason must say why the version is revoked");
  }
  IncidentWiring wiring(ctx, {options.forensic, false});
  auto& services = wiring.services();
  incident::RevokeRequest request{options.model,
                                  options.version,
                                  options.incident,
                                  options.reason,
                                  options.planned,
                                  options.to,
                                  journal::resolve_identity(ctx.env(), ctx.global.actor).actor,
                                  options.renotify,
                                  options.forensic};
  auto state = incident::inspect_revoke(services, request);
  auto plan = incident::revoke_plan(services, request, state);
  bool forensic_configured = !ctx.config().get_string("s3.forensic_bucket").value_or("").empty();

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
  auto next = next_commands(options, forensic_configured);
  if (format == OutputFormat::json) {
    auto blocked = journal::traffic_blocked(run.trail);
    document["steps"] = report_json(report);
    document["t0"] = format_rfc3339(report.t0);
    document["duration_ms"] = report.duration.count();
    document["traffic_blocked"] =
        blocked ? nlohmann::json{{"by", blocked->by}, {"seq", blocked->seq}, {"time", blocked->time}}
                : nlohmann::json();
    if (const auto* proof = report.find("proof"); proof != nullptr && proof->ran) {
      document["proof"] = proof->evidence;
    }
    document["interrupted"] = report.interrupted;
    document["next"] = next;
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
            << traffic_line(report, run.trail)
            << fmt::format("\nTotal {}. T0 {}.\n", format_duration(report.duration), format_rfc3339_seconds(report.t0));
  if (report.interrupted) {
    ctx.out() << "Interrupted: rerun the same command to resume where it stopped.\n";
  } else if (report.exit_code() != 0) {
    ctx.out() << "Some steps failed: fix the cause and rerun the same command; it checks every step again and\n"
                 "repeats only what is not in place.\n";
  }
  print_next(ctx, next);
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
  cmd.add_flag("--forensic", options->forensic,
               "Also copy the artifacts, a release manifest and the incident's journal to s3.forensic_bucket "
               "under Object Lock");
  cmd.add_flag("--renotify", options->renotify, "Send the notifications again on a rerun");
  cmd.add_flag("--dry-run", options->dry_run, "Print the plan and change nothing");
  cmd.add_flag("-y,--yes", options->yes, "Do not ask for confirmation (needed without a terminal)");
  cmd.footer("Steps: mark Revoked in the registry, emit model.revoked, denylist, purge every cache layer,\n"
             "cut the production alias, suspend batch CronJobs and record T0, (--forensic) the WORM copy,\n"
             "and prove the version blocked everywhere (the checks of 'credguard status'). Each step\n"
             "observes the real state and acts only where it differs; a rerun with the same --incident\n"
             "checks every step again, repairs what drifted (journaled as repaired) and does not resend\n"
             "notifications (--renotify does). Exit: 0 done and proven, 2 a step failed or the version\n"
             "may still serve, 65 unknown model/version, 64 not confirmed, 74 journal not writable,\n"
             "130 interrupted.");
  on_parsed(cmd, ctx, options, std::move(run));
}

void add_revoke(CLI::App& cmd, Context& ctx)
{
  add_revoke_command(cmd, ctx);
}

} // namespace credguard::cli
