#include "cmd/backup/job.hpp"

#include <credguard/core/error.hpp>
#include <credguard/core/files.hpp>
#include <credguard/jobs/lock.hpp>
#include <credguard/jobs/textfile.hpp>

#include <fmt/format.h>

namespace credguard::cli {

namespace {

void write_metrics(Context& ctx, const JobFlags& flags, const jobs::JobMetrics& metrics)
{
  auto dir =
      flags.textfile_dir.empty() ? ctx.config().get_string("jobs.textfile_dir").value_or("") : flags.textfile_dir;
  if (dir.empty()) {
    return;
  }
  try {
    jobs::write_textfile(dir, metrics);
  } catch (const Error& e) {
    ctx.log().warn(fmt::format("metrics not written: {}", e.what()));
  }
}

void journal(Context& ctx, const std::string& name, const std::string& outcome, const std::string& target,
             const nlohmann::json& evidence)
{
  ctx.journal().append(journal::EntryDraft{ctx.command_line(), "", "job." + name, target, outcome, "", evidence});
}

} // namespace

int run_job(Context& ctx, const std::string& name, const JobFlags& flags, bool changes,
            const std::function<JobOutcome()>& body)
{
  auto lock_dir = ctx.config().get_string("jobs.lock_dir").value_or("");
  jobs::JobLock lock(lock_dir.empty() ? ctx.journal_path().parent_path() : std::filesystem::path(lock_dir), name);
  if (changes) {
    // Fail closed: a job that changes data does not act unrecorded.
    journal(ctx, name, "started", "", nlohmann::json::object());
  }
  auto start = ctx.clock().steady_now();
  jobs::JobMetrics metrics{name, false, {}, Millis(0), 0, 0};
  try {
    auto outcome = body();
    metrics.success = outcome.exit_code == 0 || outcome.exit_code == 1;
    metrics.finished = ctx.clock().now();
    metrics.duration = elapsed_since(ctx.clock(), start);
    metrics.bytes = outcome.bytes;
    metrics.rows = outcome.rows;
    outcome.evidence["duration_ms"] = metrics.duration.count();
    auto result = outcome.exit_code == 0 ? "ok" : outcome.exit_code == 1 ? "warning" : "failed";
    try {
      journal(ctx, name, result, outcome.target, outcome.evidence);
    } catch (const Error& e) {
      ctx.log().warn(fmt::format("this run was not recorded in the journal: {}", e.what()));
      metrics.success = false;
    }
    write_metrics(ctx, flags, metrics);
    return outcome.exit_code;
  } catch (const Error& e) {
    metrics.finished = ctx.clock().now();
    metrics.duration = elapsed_since(ctx.clock(), start);
    try {
      // SIGINT/SIGTERM: the run stopped and cleaned up; it did not fail.
      journal(ctx, name, e.kind() == ErrorKind::interrupted ? "interrupted" : "failed", "",
              {{"error", e.what()}, {"kind", to_string(e.kind())}, {"duration_ms", metrics.duration.count()}});
    } catch (const Error& journal_error) {
      ctx.log().warn(fmt::format("this failure was not recorded in the journal: {}", journal_error.what()));
    }
    write_metrics(ctx, flags, metrics);
    throw;
  }
}

void add_job_flags(CLI::App& cmd, JobFlags& flags)
{
  cmd.add_option("--textfile", flags.textfile_dir,
                 "Write Prometheus textfile-collector metrics into DIR (default: jobs.textfile_dir)")
      ->type_name("DIR");
}

std::string backup_dir(Context& ctx, const std::string& flag)
{
  if (!flag.empty()) {
    return flag;
  }
  auto dir = ctx.config().get_string("backup.dir");
  if (!dir || dir->empty()) {
    throw Error(ErrorKind::config, "no backup directory: set backup.dir or pass --dir");
  }
  return *dir;
}

backup::Tools tools_from_config(Context& ctx)
{
  backup::Tools tools;
  tools.dump = ctx.config().get_string("backup.dump_command").value_or(tools.dump);
  tools.client = ctx.config().get_string("backup.client_command").value_or(tools.client);
  tools.timeout = ctx.config().get_duration("backup.timeout").value_or(tools.timeout);
  return tools;
}

} // namespace credguard::cli
