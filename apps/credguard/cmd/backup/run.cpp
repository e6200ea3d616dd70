#include "cmd/backup/job.hpp"
#include "cmd/backup/upload.hpp"

#include <credguard/backup/run.hpp>
#include <credguard/core/error.hpp>
#include <credguard/core/interrupt.hpp>
#include <credguard/core/strings.hpp>

#include <fmt/format.h>

namespace credguard::cli {

namespace {

int keep(Context& ctx, int flag, const char* key)
{
  return flag >= 0 ? flag : static_cast<int>(ctx.config().get_int(key).value_or(0));
}

// Uploads to s3.backup_bucket when configured: nullopt when not. An upload
// that fails leaves the local backup in place and is reported, not thrown.
std::optional<nlohmann::json> upload(Context& ctx, const backup::WrittenFile& file)
{
  auto destination = s3_destination(ctx, "backup.s3_prefix", "mysql/");
  if (!destination) {
    return std::nullopt;
  }
  try {
    return upload_to_s3(ctx, *destination, file);
  } catch (const Error& e) {
    return failed_upload(*destination, file, e.what());
  }
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
    auto result = [&] {
      // SIGINT/SIGTERM stop mariadb-dump; the option file and the dot-file go
      // as the error passes, and run_job journals `interrupted`.
      InterruptScope interrupts;
      run.tools.interrupted = &interrupts.flag();
      auto written = backup::run_backup(connect, run);
      if (interrupts.flag().load()) {
        throw Error(ErrorKind::interrupted,
                    fmt::format("interrupted: {} was written and is kept, not uploaded", written.file.path.string()));
      }
      return written;
    }();
    auto uploaded = options.no_upload ? std::nullopt : upload(ctx, result.file);
    JobOutcome outcome;
    if (uploaded && !(*uploaded)["ok"].get<bool>()) {
      outcome.exit_code = 2; // the backup exists locally; its off-site copy does not
    }
    if (format == OutputFormat::json) {
      nlohmann::json json = {{"schema_version", 1},          {"file", result.file.path.string()},
                             {"bytes", result.file.bytes},   {"raw_bytes", result.file.raw_bytes},
                             {"sha256", result.file.sha256}, {"removed", result.removed}};
      json["upload"] = uploaded ? *uploaded : nlohmann::json(nullptr);
      ctx.out() << json.dump(2) << '\n';
    } else {
      ctx.out() << fmt::format("OK {} ({}, {} uncompressed), sha256 {}\n", result.file.path.string(),
                               format_bytes(result.file.bytes), format_bytes(result.file.raw_bytes),
                               result.file.sha256);
      for (const auto& name : result.removed) {
        ctx.out() << fmt::format("removed {} (retention)\n", name);
      }
      if (uploaded && (*uploaded)["ok"].get<bool>()) {
        ctx.out() << fmt::format("uploaded s3://{}/{}{}\n", (*uploaded)["bucket"].get<std::string>(),
                                 (*uploaded)["key"].get<std::string>(),
                                 (*uploaded)["locked"].get<bool>() ? " (Object Lock)" : "");
      } else if (uploaded) {
        ctx.out() << fmt::format("FAILED upload to s3://{}: {}\n", (*uploaded)["bucket"].get<std::string>(),
                                 (*uploaded)["error"].get<std::string>());
      }
    }
    outcome.target = result.file.path.string();
    outcome.bytes = result.file.bytes;
    outcome.evidence = {{"file", result.file.path.string()},
                        {"bytes", result.file.bytes},
                        {"sha256", result.file.sha256},
                        {"removed", result.removed}};
    if (uploaded) {
      outcome.evidence["upload"] = *uploaded;
    }
    return outcome;
  });
}

void add_backup_run(CLI::App& parent, Context& ctx, RunFn<BackupRunOptions> run)
{
  auto options = std::make_shared<BackupRunOptions>();
  auto* cmd = parent.add_subcommand("run", "Dump the database (mariadb-dump), gzip it, checksum it, apply retention");
  cmd->add_option("--dir", options->dir, "Backup directory (default: backup.dir)")->type_name("DIR");
  cmd->add_option("--keep-daily", options->keep_daily, "Keep the newest backup of the last N days (0: all)")
      ->check(number_at_least(0, "NONNEGATIVE"));
  cmd->add_option("--keep-weekly", options->keep_weekly, "Keep the newest backup of the last N weeks")
      ->check(number_at_least(0, "NONNEGATIVE"));
  cmd->add_option("--keep-monthly", options->keep_monthly, "Keep the newest backup of the last N months")
      ->check(number_at_least(0, "NONNEGATIVE"));
  cmd->add_flag("--no-upload", options->no_upload, "Do not upload to s3.backup_bucket even when it is configured");
  cmd->add_flag("--dry-run", options->dry_run, "Say what would be dumped where; do nothing");
  add_job_flags(*cmd, options->job);
  cmd->footer("Writes DIR/credguard-YYYYMMDD-HHMMSS.sql.gz and its .sha256; the file appears only once the dump\n"
              "completed. The password goes to mariadb-dump through a 0600 option file, never its command line.\n"
              "Retention never removes the backup just written. With s3.backup_bucket set, the backup and its\n"
              ".sha256 are uploaded (multipart when large; Object Lock with backup.object_lock_retention);\n"
              "a failed upload keeps the local backup and exits 2.");
  on_parsed(*cmd, ctx, options, std::move(run));
}

} // namespace credguard::cli
