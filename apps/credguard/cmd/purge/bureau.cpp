#include "cmd/purge/bureau.hpp"

#include "cmd/backup/job.hpp"

#include <credguard/core/time_format.hpp>
#include <credguard/jobs/bureau_purge.hpp>

#include <fmt/format.h>

namespace credguard::cli {

int run_purge_bureau(const PurgeBureauOptions& options, Context& ctx)
{
  auto format = ctx.output_format({OutputFormat::table, OutputFormat::json});
  jobs::BureauPurgeOptions purge;
  purge.batch_size = options.batch_size;
  purge.dry_run = options.dry_run;
  if (ctx.live_progress()) {
    purge.on_batch = [&](std::uint64_t deleted) {
      ctx.err() << fmt::format("\r{} rows deleted", deleted) << std::flush;
    };
  }
  auto body = [&] {
    auto result = jobs::purge_bureau_cache(ctx.mysql(), ctx.clock(), purge);
    if (ctx.live_progress() && !options.dry_run) {
      ctx.err() << '\n';
    }
    nlohmann::json json = {{"schema_version", 1},
                           {"table", "bureau_cache"},
                           {"cutoff", result.cutoff},
                           {"dry_run", options.dry_run},
                           {"deleted", result.deleted},
                           {"batches", result.batches},
                           {"batch_size", options.batch_size},
                           {"duration_ms", result.duration.count()}};
    if (format == OutputFormat::json) {
      ctx.out() << json.dump(2) << '\n';
    } else if (options.dry_run) {
      ctx.out() << fmt::format("would delete {} expired rows of bureau_cache (expiresAt < {})\n", result.deleted,
                               result.cutoff);
    } else {
      ctx.out() << fmt::format("deleted {} expired rows of bureau_cache (expiresAt < {}) in {} batches, {}\n",
                               result.deleted, result.cutoff, result.batches, format_duration(result.duration));
    }
    JobOutcome outcome;
    outcome.target = "bureau_cache";
    outcome.rows = result.deleted;
    outcome.evidence = json;
    return outcome;
  };
  if (options.dry_run) {
    return body().exit_code;
  }
  return run_job(ctx, "purge-bureau", options.job, true, body);
}

void add_purge_bureau(CLI::App& parent, Context& ctx, RunFn<PurgeBureauOptions> run)
{
  auto options = std::make_shared<PurgeBureauOptions>();
  auto* cmd =
      parent.add_subcommand("bureau", "Delete expired bureau_cache rows (expiresAt < NOW()) in bounded batches");
  cmd->add_option("--batch-size", options->batch_size, "Rows per DELETE, one transaction each (default 5000)")
      ->check(CLI::Range(1, 100000));
  cmd->add_flag("--dry-run", options->dry_run, "Count the expired rows; delete nothing");
  add_job_flags(*cmd, options->job);
  cmd->footer("The cutoff is the server's NOW() when the job starts: rows written meanwhile are never touched.\n"
              "Each batch commits by itself, so no lock is held for long. Runs as the scheduled job\n"
              "purge-bureau: its lock (exit 75 while another run holds it), journal entry job.purge-bureau and\n"
              "--textfile metrics credguard_job_*{job=\"purge-bureau\"}.");
  on_parsed(*cmd, ctx, options, std::move(run));
}

} // namespace credguard::cli
