#include "cmd/checklist/history.hpp"
#include "cmd/checklist/render.hpp"
#include "cmd/commands.hpp"

#include <credguard/checks/engine.hpp>
#include <credguard/core/error.hpp>
#include <credguard/core/files.hpp>
#include <credguard/core/strings.hpp>

#include <fmt/format.h>

namespace credguard::cli {

namespace {

checks::Runbook load(const ChecklistOptions& options, const Config& config)
{
  auto default_timeout = config.get_duration("checklist.timeout").value_or(Millis(10'000));
  if (!options.runbook_file.empty()) {
    std::string text;
    try {
      text = read_file(options.runbook_file);
    } catch (const Error& e) {
      throw Error(ErrorKind::config, e.what());
    }
    return checks::parse_runbook(text, options.runbook_file, config, default_timeout);
  }
  return checks::load_runbook(options.name, config.get_string("checklist.runbook_dir").value_or(""), config,
                              default_timeout);
}

void check_selection(const checks::Runbook& runbook, const std::vector<std::string>& names, const char* flag)
{
  for (const auto& name : names) {
    bool known = std::any_of(runbook.checks.begin(), runbook.checks.end(), [&](const checks::CheckDefinition& d) {
      return d.id == name || std::find(d.tags.begin(), d.tags.end(), name) != d.tags.end();
    });
    if (!known) {
      throw Error(ErrorKind::usage,
                  fmt::format("{} {}: no check or tag of that name in the {} checklist", flag, name, runbook.name));
    }
  }
}

void journal_run(Context& ctx, const checks::ChecklistReport& report, const nlohmann::json& data)
{
  nlohmann::json problems = nlohmann::json::array();
  for (const auto& r : report.results) {
    if (r.status != checks::Status::pass && r.status != checks::Status::skip) {
      problems.push_back(
          {{"id", r.id}, {"status", checks::to_string(r.status)}, {"value", r.value_text}, {"detail", r.detail}});
    }
  }
  auto summary = checks::to_json(report)["summary"];
  try {
    ctx.journal().append(journal::EntryDraft{
        ctx.command_line(),
        "",
        "checklist." + report.name,
        host_name(),
        to_lower(checks::to_string(report.overall())),
        "",
        {{"summary", summary}, {"problems", problems}, {"duration_ms", report.duration.count()}, {"data", data}}});
  } catch (const Error& e) {
    // A checklist changes nothing: report it anyway, and say it was not recorded.
    ctx.log().warn(fmt::format("this run was not recorded in the journal: {}", e.what()));
  }
}

} // namespace

int run_checklist(const ChecklistOptions& options, Context& ctx)
{
  auto format = ctx.output_format({OutputFormat::table, OutputFormat::json});
  const Config& config = ctx.config();
  auto runbook = load(options, config);
  // Static: a check thread abandoned after its timeout may still use its kind.
  static const checks::KindRegistry k_kinds = checks::builtin_kinds();
  checks::validate_runbook(runbook, k_kinds);
  check_selection(runbook, options.only, "--only");
  check_selection(runbook, options.skip, "--skip");

  checks::RunOptions run_options{options.only, options.skip, nullptr};
  ChecklistProgress progress(ctx, runbook, run_options);
  run_options.on_result = [&](const checks::CheckResult& result) { progress.done(result); };
  auto compared = checks_with_history(runbook, k_kinds, run_options);
  auto run = checks::run_runbook(runbook, k_kinds,
                                 checks::EngineContext{config, ctx.clock(), ctx.log(), ctx, ctx.proc_root,
                                                       load_history(ctx, runbook.name, compared)},
                                 run_options);
  progress.finish();
  if (run.stragglers > 0) {
    ctx.abandon_threads = true;
  }
  if (format == OutputFormat::json) {
    ctx.out() << checks::to_json(run.report).dump(2) << '\n';
  } else {
    render_checklist(ctx, run.report);
  }
  journal_run(ctx, run.report, history_evidence(run.report, compared));
  return to_int(run.report.exit_code());
}

void add_checklist_verb(CLI::App& parent, Context& ctx, const std::string& name, const std::string& summary,
                        RunFn<ChecklistOptions> run)
{
  auto options = std::make_shared<ChecklistOptions>();
  options->name = name;
  auto* cmd = parent.add_subcommand(name, summary);
  cmd->add_option("--only", options->only, "Run only these checks (ids or tags, comma-separated)")->delimiter(',');
  cmd->add_option("--skip", options->skip, "Leave out these checks (ids or tags, comma-separated)")->delimiter(',');
  cmd->add_option("--runbook", options->runbook_file, "Read the check definitions from FILE")->type_name("FILE");
  cmd->footer("Exit status follows the Nagios plugin contract: 0 all pass, 1 a warning, 2 a failure,\n"
              "3 a check could not run (and nothing failed). Definitions: runbooks/" +
              name + ".yaml.");
  on_parsed(*cmd, ctx, options, std::move(run));
}

void add_checklist(CLI::App& cmd, Context& ctx)
{
  cmd.require_subcommand(1);
  add_checklist_verb(cmd, ctx, "daily", "Shift-start checks: services, resources, logs, jobs, backups, security");
  add_checklist_verb(cmd, ctx, "weekly", "Capacity review: table sizes and growth, pending security updates");
  add_checklist_verb(cmd, ctx, "monthly", "Model and access review: score-band shifts per product, inactive users");
}

} // namespace credguard::cli
