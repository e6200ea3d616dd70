#include "cmd/backup/job.hpp"

#include <credguard/backup/inventory.hpp>
#include <credguard/backup/restore_test.hpp>
#include <credguard/core/error.hpp>
#include <credguard/core/interrupt.hpp>

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace credguard::cli {

namespace {

const std::vector<std::string> k_key_tables = {"batch_jobs", "customer_scores", "bureau_cache", "users"};

std::string count_text(const std::optional<std::uint64_t>& count)
{
  return count ? std::to_string(*count) : "missing";
}

} // namespace

int run_backup_restore_test(const BackupRestoreTestOptions& options, Context& ctx)
{
  auto format = ctx.output_format({OutputFormat::table, OutputFormat::json});
  auto connect = mysql::options_from_config(ctx.config());
  backup::RestoreTestOptions restore;
  restore.tables = options.tables;
  if (restore.tables.empty()) {
    restore.tables = ctx.config().get_list("backup.restore_tables");
  }
  if (restore.tables.empty()) {
    restore.tables = k_key_tables;
  }
  restore.tolerance_percent = options.tolerance;
  restore.tools = tools_from_config(ctx);
  restore.scratch = options.scratch.empty()
                        ? fmt::format("credguard_restore_test_{:%Y%m%d%H%M%S}",
                                      std::chrono::time_point_cast<std::chrono::seconds>(ctx.clock().now()))
                        : options.scratch;
  if (!options.file.empty()) {
    restore.backup = options.file;
  } else {
    auto dir = backup_dir(ctx, options.dir);
    auto files = backup::list_backups(dir, backup::k_backup_pattern);
    if (files.empty()) {
      throw Error(ErrorKind::data, fmt::format("no backup matching {} in {}", backup::k_backup_pattern, dir));
    }
    restore.backup = files.front().path;
  }
  return run_job(ctx, "backup-restore-test", options.job, true, [&] {
    if (ctx.progress()) {
      ctx.log().info(fmt::format("restoring {} into scratch database {} at {}", restore.backup.string(),
                                 restore.scratch, connect.endpoint()));
    }
    auto result = [&] {
      // SIGINT/SIGTERM stop the client; the scratch database is dropped and the
      // option file removed as the error passes.
      InterruptScope interrupts;
      restore.tools.interrupted = &interrupts.flag();
      return backup::restore_test(ctx.mysql(), connect, restore);
    }();
    nlohmann::json tables = nlohmann::json::array();
    for (const auto& t : result.tables) {
      tables.push_back({{"table", t.table},
                        {"live", t.live ? nlohmann::json(*t.live) : nlohmann::json(nullptr)},
                        {"restored", t.restored ? nlohmann::json(*t.restored) : nlohmann::json(nullptr)},
                        {"ok", t.ok}});
    }
    nlohmann::json json = {{"schema_version", 1},
                           {"backup", restore.backup.string()},
                           {"scratch", restore.scratch},
                           {"ok", result.ok},
                           {"problem", result.problem},
                           {"tables", tables},
                           {"scratch_dropped", result.scratch_dropped}};
    if (format == OutputFormat::json) {
      ctx.out() << json.dump(2) << '\n';
    } else {
      for (const auto& t : result.tables) {
        ctx.out() << fmt::format("{:<4} {:<20} live {:>10}  restored {:>10}\n", t.ok ? "OK" : "FAIL", t.table,
                                 count_text(t.live), count_text(t.restored));
      }
      ctx.out() << fmt::format("RESTORE TEST {} - {}{}; scratch database {} {}\n", result.ok ? "PASSED" : "FAILED",
                               restore.backup.filename().string(), result.ok ? "" : ": " + result.problem,
                               restore.scratch, result.scratch_dropped ? "dropped" : "NOT dropped");
    }
    JobOutcome outcome;
    outcome.exit_code = result.ok ? 0 : 2;
    outcome.target = restore.backup.string();
    outcome.rows = result.restored_rows;
    outcome.evidence = json;
    return outcome;
  });
}

void add_backup_restore_test(CLI::App& parent, Context& ctx, RunFn<BackupRestoreTestOptions> run)
{
  auto options = std::make_shared<BackupRestoreTestOptions>();
  auto* cmd = parent.add_subcommand("restore-test",
                                    "Restore the newest backup into a scratch database, compare row counts, drop it");
  cmd->add_option("--dir", options->dir, "Backup directory (default: backup.dir)")->type_name("DIR");
  cmd->add_option("--file", options->file, "Restore this backup instead of the newest")->type_name("FILE");
  cmd->add_option("--scratch", options->scratch, "Scratch database name (default: credguard_restore_test_<time>)")
      ->type_name("NAME");
  cmd->add_option("--tables", options->tables, "Key tables to compare (default: backup.restore_tables)")
      ->delimiter(',');
  cmd->add_option("--tolerance", options->tolerance, "Allowed row-count difference to live, percent (default 10)")
      ->check(number_at_least(0, "NONNEGATIVE"));
  add_job_flags(*cmd, options->job);
  cmd->footer("Exit status: 0 restored and every key table within the tolerance, 2 not (a damaged backup, a\n"
              "failed restore, a missing or short table). The scratch database is dropped in every case.");
  on_parsed(*cmd, ctx, options, std::move(run));
}

} // namespace credguard::cli
