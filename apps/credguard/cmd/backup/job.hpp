#pragma once

#include "cmd/backup/backup.hpp"

#include <credguard/backup/mysql_tools.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <string>

namespace credguard::cli {

// What a job's body reports.
struct JobOutcome {
  int exit_code = 0;  // 0 ok; 1 warning; 2 failed...
  std::string target; // for the journal: a file, a table
  std::uint64_t bytes = 0;
  std::uint64_t rows = 0;
  nlohmann::json evidence = nlohmann::json::object();
};

// Runs `body` as the scheduled job `name` (e.g. "backup-run"): takes the
// job's lock (jobs.lock_dir, default the journal's directory; Error(busy)
// -> exit 75 when held), journals "started" first when `changes` (and does
// not act when that fails), then the outcome with its evidence, and writes
// the --textfile metrics (success = exit code 0 or 1). An Error from `body`
// is journaled (outcome `interrupted` for Error(interrupted), else `failed`)
// and recorded as a failure, then passed on.
int run_job(Context& ctx, const std::string& name, const JobFlags& flags, bool changes,
            const std::function<JobOutcome()>& body);

// Adds --textfile to `cmd`.
void add_job_flags(CLI::App& cmd, JobFlags& flags);

// The backup directory: `flag` when given, else backup.dir. Throws
// Error(config) naming the key when neither is set.
std::string backup_dir(Context& ctx, const std::string& flag);

// The dump and client tools from backup.dump_command / backup.client_command
// and their deadline from backup.timeout.
backup::Tools tools_from_config(Context& ctx);

} // namespace credguard::cli
