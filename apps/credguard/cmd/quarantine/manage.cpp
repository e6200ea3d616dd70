#include "cmd/incident/confirm.hpp"
#include "cmd/incident/plan_output.hpp"
#include "cmd/incident/services.hpp"
#include "cmd/quarantine/quarantine.hpp"
#include "cmd/revoke/revoke.hpp"

#include <credguard/core/error.hpp>
#include <credguard/core/files.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/core/table.hpp>
#include <credguard/core/time_format.hpp>
#include <credguard/incident/quarantine.hpp>
#include <credguard/registry/model_version.hpp>

#include <fmt/format.h>

namespace credguard::cli {

namespace {

using nlohmann::json;

json entry_json(const incident::QuarantineEntry& entry, SystemTime now)
{
  auto days = entry.days_left(now);
  return json{{"model", entry.model},
              {"version", entry.version},
              {"state", registry::k_state_quarantined},
              {"until", entry.until_text},
              {"days_left", days ? json(*days) : json()},
              {"expired", entry.expired(now)},
              {"incident", entry.incident},
              {"previous_state", entry.previous_state},
              {"reason", entry.reason}};
}

void print_entries(Context& ctx, const std::vector<incident::QuarantineEntry>& entries, SystemTime now)
{
  Table table({"MODEL", "VERSION", "STATE", "UNTIL", "DAYS LEFT", "INCIDENT", "PREVIOUS", "REASON"});
  for (const auto& entry : entries) {
    auto days = entry.days_left(now);
    table.add_row({entry.model, entry.version, registry::k_state_quarantined,
                   entry.until_text.empty() ? "?" : entry.until_text,
                   Cell(days ? std::to_string(*days) : "?", entry.expired(now) ? Color::red : Color::none),
                   entry.incident, entry.previous_state.empty() ? "-" : entry.previous_state, entry.reason});
  }
  table.render(ctx.out(), ctx.color());
}

} // namespace

int run_quarantine_list(const QuarantineListOptions& options, Context& ctx)
{
  auto format = ctx.output_format({OutputFormat::table, OutputFormat::json});
  if (!options.model.empty()) {
    registry::validate_model_name(options.model);
  }
  auto registry = make_registry(ctx);
  auto entries = incident::list_quarantined(*registry, options.model);
  auto now = ctx.clock().now();
  if (format == OutputFormat::json) {
    json list = json::array();
    for (const auto& entry : entries) {
      list.push_back(entry_json(entry, now));
    }
    ctx.out() << json{{"schema_version", 1}, {"quarantined", list}}.dump(2) << '\n';
  } else if (entries.empty()) {
    ctx.out() << "No version is quarantined.\n";
  } else {
    print_entries(ctx, entries, now);
  }
  return 0;
}

int run_quarantine_expire(const QuarantineExpireOptions& options, Context& ctx)
{
  auto format = ctx.output_format({OutputFormat::table, OutputFormat::json});
  if (!options.model.empty()) {
    registry::validate_model_name(options.model);
  }
  auto registry = make_registry(ctx);
  auto now = ctx.clock().now();
  std::vector<incident::QuarantineEntry> expired;
  for (auto& entry : incident::list_quarantined(*registry, options.model)) {
    if (entry.expired(now)) {
      expired.push_back(std::move(entry));
    }
  }
  auto& journal = ctx.journal(journal::Journal::Mode::read_write);
  for (const auto& entry : expired) {
    journal.append(journal::EntryDraft{ctx.command_line(), entry.incident, "quarantine.expired",
                                       entry.model + "@" + entry.version, "warning", entry.reason,
                                       entry_json(entry, now)});
  }
  if (format == OutputFormat::json) {
    json list = json::array();
    for (const auto& entry : expired) {
      list.push_back(entry_json(entry, now));
    }
    ctx.out() << json{{"schema_version", 1}, {"expired", list}}.dump(2) << '\n';
  } else if (expired.empty()) {
    ctx.out() << "No quarantine is past its deadline.\n";
  } else {
    print_entries(ctx, expired, now);
    ctx.out() << fmt::format("\n{} quarantine(s) past the deadline: decide with `credguard quarantine confirm` "
                             "or `credguard quarantine release`.\n",
                             expired.size());
  }
  return expired.empty() ? 0 : 1;
}

int run_quarantine_confirm(const QuarantineConfirmOptions& options, Context& ctx)
{
  auto registry = make_registry(ctx);
  auto entry = incident::quarantined_version(*registry, options.model, options.version);
  registry.reset();
  RevokeOptions revoke;
  revoke.model = options.model;
  revoke.version = options.version;
  revoke.incident = options.incident.empty() ? entry.incident : options.incident;
  revoke.reason = options.reason.empty() ? "quarantine confirmed: " + entry.reason : options.reason;
  revoke.dry_run = options.dry_run;
  revoke.yes = options.yes;
  return run_revoke(revoke, ctx);
}

int run_quarantine_release(const QuarantineReleaseOptions& options, Context& ctx)
{
  auto format = ctx.output_format({OutputFormat::table, OutputFormat::json});
  std::string report = read_file(options.report);
  if (report.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw Error(ErrorKind::data, fmt::format("{}: the report is empty", options.report),
                "a release needs the investigation's conclusion");
  }
  IncidentWiring wiring(ctx, {});
  auto& services = wiring.services();
  auto entry = incident::quarantined_version(services.registry, options.model, options.version);
  auto plan =
      incident::release_plan(services, entry, std::filesystem::path(options.report).filename().string(), report);
  if (format == OutputFormat::table) {
    print_plan(ctx, plan);
  }
  json document{{"schema_version", 1},        {"command", "quarantine release"}, {"model", options.model},
                {"version", options.version}, {"incident", entry.incident},      {"dry_run", options.dry_run},
                {"plan", plan_json(plan)}};
  auto run = run_confirmed(ctx, plan, format, options.dry_run, options.yes,
                           fmt::format("Release {} from quarantine ({})?", plan.target, entry.incident), document);
  if (!run.report) {
    return run.exit_code;
  }
  const auto& result = *run.report;
  if (format == OutputFormat::json) {
    document["steps"] = report_json(result);
    document["exit_code"] = result.exit_code();
    ctx.out() << document.dump(2) << '\n';
    return result.exit_code();
  }
  ctx.out() << '\n';
  print_report(ctx, result);
  std::vector<std::string> rollback = {"credguard",     "rollback",   options.model, "--to",
                                       options.version, "--incident", entry.incident};
  if (entry.previous_state != registry::k_state_approved) {
    rollback.emplace_back("--force"); // rollback --to wants an Approved version
  }
  ctx.out() << fmt::format("\nThe production alias was not moved back. To serve {} again:\n", plan.target);
  print_next(ctx, {shell_command(rollback)});
  return result.exit_code();
}

void add_quarantine_manage(CLI::App& cmd, Context& ctx)
{
  auto* list = cmd.add_subcommand("list", "List quarantined versions: deadline, days left, incident");
  auto list_options = std::make_shared<QuarantineListOptions>();
  list->add_option("MODEL", list_options->model, "Only this model");
  on_parsed<QuarantineListOptions>(*list, ctx, list_options, run_quarantine_list);

  auto* expire = cmd.add_subcommand("expire", "For cron: list and journal quarantines past their deadline (exit 1)");
  auto expire_options = std::make_shared<QuarantineExpireOptions>();
  expire->add_option("MODEL", expire_options->model, "Only this model");
  on_parsed<QuarantineExpireOptions>(*expire, ctx, expire_options, run_quarantine_expire);

  auto* confirm_cmd = cmd.add_subcommand("confirm", "The suspicion is confirmed: revoke the quarantined version");
  auto confirm_options = std::make_shared<QuarantineConfirmOptions>();
  confirm_cmd->add_option("MODEL", confirm_options->model, "Registered model name")->required();
  confirm_cmd->add_option("VERSION", confirm_options->version, "Quarantined version")->required();
  confirm_cmd->add_option("--incident", confirm_options->incident, "Incident ID (default: the quarantine's)");
  confirm_cmd->add_option("--reason", confirm_options->reason, "Why (default: the quarantine's reason)");
  confirm_cmd->add_flag("--dry-run", confirm_options->dry_run, "Print the plan and change nothing");
  confirm_cmd->add_flag("-y,--yes", confirm_options->yes, "Do not ask for confirmation");
  on_parsed<QuarantineConfirmOptions>(*confirm_cmd, ctx, confirm_options, run_quarantine_confirm);

  auto* release = cmd.add_subcommand("release", "A false positive: back to the previous state, with a report");
  auto release_options = std::make_shared<QuarantineReleaseOptions>();
  release->add_option("MODEL", release_options->model, "Registered model name")->required();
  release->add_option("VERSION", release_options->version, "Quarantined version")->required();
  release->add_option("--report", release_options->report, "The investigation's conclusion (journaled)")
      ->required()
      ->type_name("FILE");
  release->add_flag("--dry-run", release_options->dry_run, "Print the plan and change nothing");
  release->add_flag("-y,--yes", release_options->yes, "Do not ask for confirmation");
  on_parsed<QuarantineReleaseOptions>(*release, ctx, release_options, run_quarantine_release);
}

} // namespace credguard::cli
