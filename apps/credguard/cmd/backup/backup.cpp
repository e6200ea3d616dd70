#include "cmd/backup/backup.hpp"

#include "cmd/commands.hpp"

namespace credguard::cli {

void add_backup(CLI::App& cmd, Context& ctx)
{
  cmd.require_subcommand(1);
  cmd.footer("Scheduled jobs (runbook 2.2 and 2.5): they never prompt, take a lock so that two runs of a job\n"
             "never overlap (exit 75 while another holds it), journal what they did and, with --textfile,\n"
             "write Prometheus metrics. Examples for systemd and Kubernetes: examples/deploy/.");
  add_backup_run(cmd, ctx);
  add_backup_verify(cmd, ctx);
  add_backup_restore_test(cmd, ctx);
  add_backup_archive_jobs(cmd, ctx);
}

} // namespace credguard::cli
