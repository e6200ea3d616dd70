#include "cmd/backup/job.hpp"

#include <credguard/backup/run.hpp>
#include <credguard/core/strings.hpp>

#include <fmt/format.h>

namespace credguard::cli {

namespace {

int keep(Context& ctx, int flag, const char* key)
{
  return flag >= 0 ? flag : static_cast<int>(ctx.config().get_int(key).value_or(0));
}

} // namespace

int run_backup_run(const BackupRunOptions& options, Context& ctx)
{
  auto format = ctx.output_format({OutputFormat::table, OutputFormat::json});
  auto connect = mysql::options_from_config(ctx.config());
  backup::RunOptions run{backup_dir(ctx, options.dir), ctx.clock().now(), {}, tools_from_config(ctx)};
  run.retention = {keep(ctx, options.keep_daily, "backup.keep_daily"),
                   keep(ctx, options.keep_weekly, "backup.keep_weekly"),
                   keep(ctx, options.keep_monthly, "backup.keep_monthly")};
  auto target = (run.dir / backup::backup_name(run.now)).string();
  if (options.dry_run) {
    ctx.out() << fmt::format("would dump {} at {} with {} into {}\n", connect.database, connect.endpoint(),
                             run.tools.dump, target);
    return 0;
  }
  return run_job(ctx, "backup-run", options.job, true, [&] {
    if (ctx.progress()) {
      ctx.log().info(fmt::format("dumping {} at {} into {}", connect.database, connect.endpoint(), target));
    }
    auto result = backup::run_backup(connect, run);
    if (format == OutputFormat::json) {
      nlohmann::json json = {{"schema_version", 1},
                             {"file", result.file.path.string()},
                             {"bytes", result.file.bytes},
                             {"raw_bytes", result.file.raw_bytes},
                             {"sha256", result.file.sha256},
                             {"removed", result.removed}};
      ctx.out() << json.dump(2) << '\n';
    } else {
      ctx.out() << fmt::format("OK {} ({}, {} uncompressed), sha256 {}\n", result.file.path.string(),
                               format_bytes(result.file.bytes), format_bytes(result.file.raw_bytes),
                               result.file.sha256);
      for (const auto& name : result.removed) {
        ctx.out() << fmt::format("removed {} (retention)\n", name);
      }
    }
    JobOutcome outcome;
    outcome.target = result.file.path.string();
    outcome.bytes = result.file.bytes;
    outcome.evidence = {{"file", result.file.path.string()},
                        {"bytes", result.file.bytes},
                        {"sha256", result.file.sha256},
                        {"removed", result.removed}};
    return outcome;
  });
}

void add_backup_run(CLI::App& parent, Context& ctx, RunFn<BackupRunOptions> run)
{
  auto options = std::make_shared<BackupRunOptions>();
  auto* cmd = parent.add_subcommand("run", "Dump the database (mariadb-dump), gzip it, checksum it, apply retention");
  cmd->add_option("--dir", options->dir, "Backup directory (default: backup.dir)")->type_name("DIR");
  cmd->add_option("--keep-daily", options->keep_daily, "Keep the newest backup of the last N days (0: all)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--keep-weekly", options->keep_weekly, "Keep the newest backup of the last N weeks")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--keep-monthly", options->keep_monthly, "Keep the newest backup of the last N months")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--dry-run", options->dry_run, "Say what would be dumped where; do nothing");
  add_job_flags(*cmd, options->job);
  cmd->footer("Writes DIR/credguard-YYYYMMDD-HHMMSS.sql.gz and its .sha256; the file appears only once the dump\n"
              "completed. The password goes to mariadb-dump through a 0600 option file, never its command line.\n"
              "Retention never removes the backup just written.");
  on_parsed(*cmd, ctx, options, std::move(run));
}

} // namespace credguard::cli
