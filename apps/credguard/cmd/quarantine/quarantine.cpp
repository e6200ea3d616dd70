#include "cmd/quarantine/quarantine.hpp"

#include "cmd/commands.hpp"
#include "cmd/incident/confirm.hpp"
#include "cmd/incident/plan_output.hpp"
#include "cmd/incident/services.hpp"

#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/core/time_format.hpp>
#include <credguard/incident/quarantine.hpp>
#include <credguard/journal/names.hpp>
#include <credguard/registry/model_version.hpp>
#include <credguard/triage/incident_id.hpp>

#include <fmt/format.h>

namespace credguard::cli {

namespace {

// The last release of this plan's target under its incident: a quarantine
// after it starts afresh (its own T0 and deadline).
std::int64_t released_at(Context& ctx, const incident::Plan& plan)
{
  if (!std::filesystem::exists(ctx.journal_path())) {
    return 0;
  }
  journal::Filter filter;
  filter.incident = plan.incident;
  filter.action_prefix = journal::action(journal::command::quarantine_release, "");
  std::int64_t seq = 0;
  for (const auto& entry : ctx.journal(journal::Journal::Mode::read_only).list(filter)) {
    if (entry.what.target == plan.target && entry.what.action.ends_with(journal::step::summary) &&
        journal::reached(entry.what.outcome)) {
      seq = entry.seq;
    }
  }
  return seq;
}

} // namespace

int run_quarantine(const QuarantineOptions& options, Context& ctx)
{
  auto format = ctx.output_format({OutputFormat::table, OutputFormat::json});
  if (options.model.empty() || options.version.empty()) {
    throw Error(ErrorKind::usage, "quarantine needs MODEL VERSION (or a subcommand: list, confirm, release, expire)");
  }
  registry::validate_model_name(options.model);
  registry::validate_version_label(options.version);
  triage::validate_incident_id(options.incident);
  if (options.reason.empty()) {
    throw Error(ErrorKind::usage, "--reason must say why the version is quarantined");
  }
  auto ttl = parse_duration(options.ttl);
  if (!ttl || ttl->count() <= 0) {
    throw Error(ErrorKind::usage, fmt::format("--ttl \"{}\" is not a positive duration", options.ttl),
                "e.g. --ttl 14d, 72h");
  }
  IncidentWiring wiring(ctx, {true, false});
  auto& services = wiring.services();
  incident::QuarantineRequest request{options.model,
                                      options.version,
                                      options.incident,
                                      options.reason,
                                      *ttl,
                                      journal::resolve_identity(ctx.env(), ctx.global.actor).actor,
                                      options.renotify};
  auto state = incident::inspect_quarantine(services, request);
  auto plan = incident::quarantine_plan(services, request, state);
  plan.history_after = released_at(ctx, plan);

  nlohmann::json document{{"schema_version", 1},        {"command", "quarantine"},    {"incident", options.incident},
                          {"model", options.model},     {"version", options.version}, {"ttl", options.ttl},
                          {"dry_run", options.dry_run}, {"plan", plan_json(plan)}};
  if (format == OutputFormat::table) {
    print_plan(ctx, plan);
  }
  auto run = run_confirmed(ctx, plan, format, options.dry_run, options.yes,
                           fmt::format("Quarantine {} under {}?", plan.target, plan.incident), document);
  if (!run.report) {
    return run.exit_code;
  }
  const auto& report = *run.report;
  std::vector<std::string> next = {
      shell_command({"credguard", "quarantine", "confirm", options.model, options.version}) +
          "   # confirmed: revoke it",
      shell_command(
          {"credguard", "quarantine", "release", options.model, options.version, "--report", "conclusion.md"}) +
          "   # false positive: write the conclusion to conclusion.md first",
      shell_command({"credguard", "status", options.model, options.version}),
      shell_command({"credguard", "journal", "list", "--incident", options.incident})};
  if (format == OutputFormat::json) {
    document["steps"] = report_json(report);
    document["t0"] = format_rfc3339(report.t0);
    if (const auto* mark = report.find("mark"); mark != nullptr && mark->evidence.contains("until")) {
      document["until"] = mark->evidence["until"];
    }
    document["duration_ms"] = report.duration.count();
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
  ctx.out() << '\n' << traffic_line(report, run.trail) << '\n';
  const auto* mark = report.find("mark");
  bool marked = mark != nullptr && mark->ran &&
                (mark->outcome == incident::Outcome::ok || mark->outcome == incident::Outcome::repaired);
  ctx.out() << (marked ? fmt::format("Quarantined until {} (read back from the registry). ",
                                     mark->evidence.value("until", std::string("?")))
                       : std::string("NOT quarantined: the mark step did not complete. "))
            << fmt::format("Total {}.\n", format_duration(report.duration));
  if (report.interrupted) {
    ctx.out() << "Interrupted: rerun the same command to resume where it stopped.\n";
  } else if (report.exit_code() != 0) {
    ctx.out() << "Some steps failed: fix the cause and rerun the same command; it checks every step again and\n"
                 "repeats only what is not in place.\n";
  }
  print_next(ctx, next);
  return report.exit_code();
}

void add_quarantine(CLI::App& cmd, Context& ctx)
{
  auto options = std::make_shared<QuarantineOptions>();
  cmd.add_option("MODEL", options->model, "Registered model name");
  cmd.add_option("VERSION", options->version, "Model version to quarantine");
  cmd.add_option("--incident", options->incident, "Incident ID; rerunning with it resumes");
  cmd.add_option("--reason", options->reason, "Why the version is quarantined (journaled, tagged, announced)");
  cmd.add_option("--ttl", options->ttl, "How long the quarantine lasts before a decision is due (default 14d)");
  cmd.add_flag("--renotify", options->renotify, "Send the notifications again on a rerun");
  cmd.add_flag("--dry-run", options->dry_run, "Print the plan and change nothing");
  cmd.add_flag("-y,--yes", options->yes, "Do not ask for confirmation (needed without a terminal)");
  cmd.footer("Steps: mark Quarantined with its deadline and previous state, emit model.quarantined, denylist,\n"
             "purge every cache layer, move production off the version, copy artifacts, release manifest and\n"
             "evidence to s3.forensic_bucket under quarantine/MODEL/VERSION/INCIDENT/ with Object Lock and\n"
             "SHA-256 (MANIFEST.json), read back and verified, and prove the version blocked everywhere.\n"
             "A rerun with the same --incident checks every step again and repairs what drifted; after a\n"
             "release, it quarantines afresh. Exit: 0 done and proven, 2 a step failed or the version may\n"
             "still serve, 64 usage or not confirmed, 65 unknown version, 130 interrupted.");
  add_quarantine_manage(cmd, ctx);
  cmd.callback([&ctx, &cmd, options] {
    if (!cmd.get_subcommands().empty()) {
      return; // a subcommand chose the action
    }
    ctx.action = [&ctx, options] { return run_quarantine(*options, ctx); };
  });
}

} // namespace credguard::cli
