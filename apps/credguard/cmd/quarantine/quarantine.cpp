#include "cmd/quarantine/quarantine.hpp"

#include "cmd/commands.hpp"
#include "cmd/incident/common.hpp"
#include "cmd/incident/services.hpp"

#include <credguard/core/error.hpp>
#include <credguard/core/time_format.hpp>
#include <credguard/incident/quarantine.hpp>
#include <credguard/registry/model_version.hpp>
#include <credguard/s3/settings.hpp>

#include <fmt/format.h>

#include <unistd.h>

namespace credguard::cli {

namespace {

// Removes the scratch directory of the forensic copy, whatever happens.
struct ScratchDir {
  std::filesystem::path path;
  ~ScratchDir()
  {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

std::string incident_log(Context& ctx, const std::string& incident)
{
  journal::Filter filter;
  filter.incident = incident;
  std::string lines;
  for (const auto& entry : ctx.journal(journal::Journal::Mode::read_write).list(filter)) {
    lines += entry.to_json().dump() + "\n";
  }
  return lines;
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
  validate_incident_id(options.incident);
  if (options.reason.empty()) {
    throw Error(ErrorKind::usage, "--reason must say why the version is quarantined");
  }
  auto ttl = parse_duration(options.ttl);
  if (!ttl || ttl->count() <= 0) {
    throw Error(ErrorKind::usage, fmt::format("--ttl \"{}\" is not a positive duration", options.ttl),
                "e.g. --ttl 14d, 72h");
  }
  auto services = load_incident_services(ctx);
  auto registry = make_registry(ctx);
  auto settings = s3::load_settings(ctx.config(), ctx.env());
  std::unique_ptr<s3::Client> s3_client;
  if (!settings.forensic_bucket.empty()) {
    s3_client = s3::make_client(settings, ctx.env(), ctx.redactor(), ctx.http(), ctx.clock(), ctx.log());
  }
  incident::RevokeServices revoke{*registry,      ctx.http(),       ctx.clock(),           services.events,
                                  services.purge, services.serving, services.cluster.get()};
  ScratchDir scratch{std::filesystem::temp_directory_path() /
                     fmt::format("credguard-forensic-{}-{}", ::getpid(), options.incident)};
  incident::QuarantineServices quarantine{
      revoke,
      incident::ForensicStore{s3_client.get(), settings.forensic_bucket, settings.lock_mode, settings.lock_retention},
      [&ctx, &options] { return incident_log(ctx, options.incident); }, scratch.path};
  incident::QuarantineRequest request{options.model,
                                      options.version,
                                      options.incident,
                                      options.reason,
                                      *ttl,
                                      journal::resolve_identity(ctx.env(), ctx.global.actor).actor};
  auto state = incident::inspect_quarantine(quarantine, request);
  auto plan = incident::quarantine_plan(quarantine, request, state);

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
      fmt::format("credguard quarantine confirm {} {}   # confirmed: revoke it", options.model, options.version),
      fmt::format("credguard quarantine release {} {} --report FILE   # false positive", options.model,
                  options.version),
      fmt::format("credguard journal list --incident {}", options.incident)};
  if (format == OutputFormat::json) {
    document["steps"] = report_json(report);
    document["t0"] = format_rfc3339(report.t0);
    document["until"] = format_rfc3339_seconds(report.t0 + *ttl);
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
  ctx.out() << fmt::format("\nQuarantined until {}. Total {}.\n", format_rfc3339_seconds(report.t0 + *ttl),
                           format_duration(report.duration));
  if (report.interrupted) {
    ctx.out() << "Interrupted: rerun the same command to resume where it stopped.\n";
  } else if (report.exit_code() != 0) {
    ctx.out() << "Some steps failed: fix the cause and rerun the same command; done steps are not repeated.\n";
  }
  ctx.out() << "Next:\n";
  for (const auto& line : next) {
    ctx.out() << "  " << line << '\n';
  }
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
  cmd.add_flag("--dry-run", options->dry_run, "Print the plan and change nothing");
  cmd.add_flag("-y,--yes", options->yes, "Do not ask for confirmation (needed without a terminal)");
  cmd.footer("Steps: mark Quarantined with its deadline and previous state, emit model.quarantined, denylist,\n"
             "purge every cache layer, move production off the version, copy artifacts, release manifest and\n"
             "evidence to s3.forensic_bucket under quarantine/MODEL/VERSION/INCIDENT/ with Object Lock and\n"
             "SHA-256 (MANIFEST.json), read back and verified. Rerunning with the same --incident resumes.\n"
             "Exit: 0 done, 2 a step failed, 64 usage or not confirmed, 65 unknown version, 130 interrupted.");
  add_quarantine_manage(cmd, ctx);
  cmd.callback([&ctx, &cmd, options] {
    if (!cmd.get_subcommands().empty()) {
      return; // a subcommand chose the action
    }
    ctx.action = [&ctx, options] { return run_quarantine(*options, ctx); };
  });
}

} // namespace credguard::cli
