#include "cmd/backup/job.hpp"

#include <credguard/backup/gzip_file.hpp>
#include <credguard/backup/inventory.hpp>
#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/core/time_format.hpp>

#include <fmt/format.h>

namespace credguard::cli {

namespace {

using Health = backup::FreshnessReport::Health;

const char* label(int code)
{
  switch (code) {
  case 0: return "OK";
  case 1: return "WARNING";
  case 2: return "CRITICAL";
  default: return "UNKNOWN";
  }
}

} // namespace

int run_backup_verify(const BackupVerifyOptions& options, Context& ctx)
{
  auto format = ctx.output_format({OutputFormat::table, OutputFormat::json});
  backup::FreshnessPolicy policy;
  auto max_age = parse_duration(options.max_age);
  if (!max_age) {
    throw Error(ErrorKind::usage, fmt::format("--max-age {}: not a duration (e.g. 24h, 90m)", options.max_age));
  }
  policy.max_age = *max_age;
  policy.size_tolerance = options.size_tolerance;
  policy.compare = options.compare;
  auto dir = backup_dir(ctx, options.dir);
  return run_job(ctx, "backup-verify", options.job, false, [&] {
    JobOutcome outcome;
    std::vector<std::string> notes;
    nlohmann::json json = {{"schema_version", 1}, {"dir", dir}};
    try {
      auto report = backup::assess_freshness(dir, backup::k_backup_pattern, ctx.clock().now(), policy);
      notes = report.notes;
      outcome.exit_code = report.health == Health::ok ? 0 : report.health == Health::warning ? 1 : 2;
      if (report.newest) {
        auto integrity = backup::check_integrity(report.newest->path, backup::k_dump_completed);
        if (integrity.ok) {
          notes.push_back("checksum and gzip stream intact");
        } else {
          notes.push_back(integrity.problem);
          outcome.exit_code = 2;
        }
        outcome.target = report.newest->path.string();
        outcome.bytes = report.newest->bytes;
        json["newest"] = {{"file", report.newest->name},
                          {"bytes", report.newest->bytes},
                          {"age_seconds", report.age.count() / 1000},
                          {"intact", integrity.ok}};
        if (report.median_bytes) {
          json["median_bytes"] = *report.median_bytes;
        }
      }
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::io) {
        throw;
      }
      outcome.exit_code = 3;
      notes.push_back(e.what());
    }
    auto detail = join(notes, "; ");
    json["status"] = label(outcome.exit_code);
    json["detail"] = detail;
    if (format == OutputFormat::json) {
      ctx.out() << json.dump(2) << '\n';
    } else {
      ctx.out() << fmt::format("BACKUP {} - {}\n", label(outcome.exit_code), detail);
    }
    outcome.evidence = json;
    return outcome;
  });
}

void add_backup_verify(CLI::App& parent, Context& ctx, RunFn<BackupVerifyOptions> run)
{
  auto options = std::make_shared<BackupVerifyOptions>();
  auto* cmd = parent.add_subcommand("verify", "Check the newest backup: fresh, usual size, checksum, gzip intact");
  cmd->add_option("--dir", options->dir, "Backup directory (default: backup.dir)")->type_name("DIR");
  cmd->add_option("--max-age", options->max_age, "Newest backup must be younger than this (default 24h)")
      ->type_name("DURATION");
  cmd->add_option("--size-tolerance", options->size_tolerance,
                  "Allowed size difference to the median, percent (default 20)")
      ->check(number_at_least(0, "NONNEGATIVE"));
  cmd->add_option("--compare", options->compare, "How many earlier backups the median is taken over (default 7)")
      ->check(CLI::Range(1, 1000));
  add_job_flags(*cmd, options->job);
  cmd->footer("Exit status follows the Nagios plugin contract: 0 ok, 1 size off the median, 2 missing, stale,\n"
              "empty, checksum mismatch or damaged gzip, 3 the directory cannot be read. The checklist's\n"
              "backup check uses the same assessment.");
  on_parsed(*cmd, ctx, options, std::move(run));
}

} // namespace credguard::cli
