#include "cmd/backup/job.hpp"
#include "cmd/backup/upload.hpp"

#include <credguard/backup/archive_jobs.hpp>
#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/core/time_format.hpp>

#include <fmt/format.h>

namespace credguard::cli {

namespace {

std::string archive_dir(Context& ctx, const std::string& flag)
{
  if (!flag.empty()) {
    return flag;
  }
  if (auto dir = ctx.config().get_string("backup.archive_dir"); dir && !dir->empty()) {
    return *dir;
  }
  if (auto dir = ctx.config().get_string("backup.dir"); dir && !dir->empty()) {
    return (std::filesystem::path(*dir) / "archive").string();
  }
  throw Error(ErrorKind::config, "no archive directory: set backup.archive_dir (or backup.dir) or pass --dir");
}

// The kind an upload failure is reported with: the archive's contract
// (README, man page) is 69 unreachable, 77 refused credentials, 74 the
// export unreadable, 130 interrupted, 2 any other refusal.
ErrorKind upload_failure_kind(ErrorKind kind)
{
  switch (kind) {
  case ErrorKind::unavailable:
  case ErrorKind::auth:
  case ErrorKind::io:
  case ErrorKind::interrupted: return kind;
  default: return ErrorKind::conflict;
  }
}

} // namespace

int run_backup_archive_jobs(const BackupArchiveJobsOptions& options, Context& ctx)
{
  auto format = ctx.output_format({OutputFormat::table, OutputFormat::json});
  auto older_than = parse_duration(options.older_than);
  if (!older_than || older_than->count() <= 0) {
    throw Error(ErrorKind::usage,
                fmt::format("--older-than {}: not a positive duration (e.g. 90d)", options.older_than));
  }
  auto connect = mysql::options_from_config(ctx.config());
  backup::ArchiveOptions archive;
  archive.dir = archive_dir(ctx, options.dir);
  archive.now = ctx.clock().now();
  archive.older_than = *older_than;
  archive.batch_size = options.batch_size;
  archive.dry_run = options.dry_run;
  archive.tools = tools_from_config(ctx);
  auto destination = options.no_upload ? std::nullopt : s3_destination(ctx, "backup.archive_s3_prefix", "archive/");
  nlohmann::json uploaded = nullptr;
  if (destination) {
    archive.before_delete = [&](const backup::WrittenFile& file) {
      try {
        uploaded = upload_to_s3(ctx, *destination, file);
      } catch (const Error& e) {
        throw Error(upload_failure_kind(e.kind()),
                    fmt::format("the export {} verified but its upload failed: {}; nothing was deleted",
                                file.path.string(), e.what()),
                    e.hint());
      }
    };
  }
  auto body = [&] {
    auto result = backup::archive_jobs(ctx.mysql(), connect, archive);
    nlohmann::json json = {{"schema_version", 1},
                           {"cutoff", result.cutoff},
                           {"dry_run", options.dry_run},
                           {"jobs", result.jobs},
                           {"scores", result.scores},
                           {"deleted_jobs", result.deleted_jobs},
                           {"deleted_scores", result.deleted_scores}};
    if (result.file) {
      json["file"] = result.file->path.string();
      json["bytes"] = result.file->bytes;
      json["sha256"] = result.file->sha256;
    }
    json["upload"] = uploaded;
    if (format == OutputFormat::json) {
      ctx.out() << json.dump(2) << '\n';
    } else if (options.dry_run || result.jobs == 0) {
      ctx.out() << fmt::format("{} {} batch jobs and {} customer scores created before {}\n",
                               options.dry_run ? "would archive" : "nothing to archive:", result.jobs, result.scores,
                               result.cutoff);
    } else {
      ctx.out() << fmt::format("archived {} batch jobs and {} customer scores created before {} to {} ({}), "
                               "verified, then deleted {} scores and {} jobs\n",
                               result.jobs, result.scores, result.cutoff, result.file->path.string(),
                               format_bytes(result.file->bytes), result.deleted_scores, result.deleted_jobs);
      if (!uploaded.is_null()) {
        ctx.out() << fmt::format("uploaded s3://{}/{}{} before deleting\n", uploaded["bucket"].get<std::string>(),
                                 uploaded["key"].get<std::string>(),
                                 uploaded["locked"].get<bool>() ? " (Object Lock)" : "");
      }
    }
    JobOutcome outcome;
    outcome.target = result.file ? result.file->path.string() : "batch_jobs";
    outcome.bytes = result.file ? result.file->bytes : 0;
    outcome.rows = result.deleted_jobs + result.deleted_scores;
    outcome.evidence = json;
    return outcome;
  };
  if (options.dry_run) {
    return body().exit_code;
  }
  return run_job(ctx, "archive-jobs", options.job, true, body);
}

void add_backup_archive_jobs(CLI::App& parent, Context& ctx, RunFn<BackupArchiveJobsOptions> run)
{
  auto options = std::make_shared<BackupArchiveJobsOptions>();
  auto* cmd = parent.add_subcommand(
      "archive-jobs", "Export old batch jobs and their scores, verify the export, then delete them in batches");
  cmd->add_option("--older-than", options->older_than, "Archive jobs created longer ago than this (default 90d)")
      ->type_name("DURATION");
  cmd->add_option("--dir", options->dir, "Archive directory (default: backup.archive_dir, else backup.dir/archive)")
      ->type_name("DIR");
  cmd->add_option("--batch-size", options->batch_size, "Rows per DELETE, one transaction each (default 5000)")
      ->check(CLI::Range(1, 100000));
  cmd->add_flag("--no-upload", options->no_upload, "Do not upload to s3.backup_bucket even when it is configured");
  cmd->add_flag("--dry-run", options->dry_run, "Count what would be archived; write and delete nothing");
  add_job_flags(*cmd, options->job);
  cmd->footer("Writes DIR/jobs-YYYYMMDD-HHMMSS.sql.gz (INSERT statements, loadable back with the mariadb client)\n"
              "and its .sha256. Rows are deleted only after the export reads back complete: if anything fails\n"
              "before that, nothing is deleted (exit 65 when the export does not verify).\n"
              "With s3.backup_bucket set, the verified export and its .sha256 are uploaded under\n"
              "backup.archive_s3_prefix (default archive/; Object Lock with backup.object_lock_retention) and\n"
              "read back before any row is deleted. A failed upload keeps the export and every row: exit 69\n"
              "when S3 cannot be reached or answers 5xx, 77 when it refuses the credentials, 2 for any other\n"
              "refusal (e.g. the bucket does not exist).");
  on_parsed(*cmd, ctx, options, std::move(run));
}

} // namespace credguard::cli
