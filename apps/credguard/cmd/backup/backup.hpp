#pragma once

#include "cli/verb.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace credguard::cli {

// The flags every scheduled job takes.
struct JobFlags {
  std::string textfile_dir; // --textfile: Prometheus textfile-collector directory
};

// backup run
struct BackupRunOptions {
  JobFlags job;
  std::string dir;     // --dir; default backup.dir
  int keep_daily = -1; // -1: backup.keep_daily (0: keep all)
  int keep_weekly = -1;
  int keep_monthly = -1;
  bool no_upload = false; // --no-upload: skip s3.backup_bucket
  bool dry_run = false;
};
int run_backup_run(const BackupRunOptions& options, Context& ctx);
void add_backup_run(CLI::App& parent, Context& ctx, RunFn<BackupRunOptions> run = run_backup_run);

// backup verify
struct BackupVerifyOptions {
  JobFlags job;
  std::string dir;
  std::string max_age = "24h";
  double size_tolerance = 20;
  std::size_t compare = 7;
};
int run_backup_verify(const BackupVerifyOptions& options, Context& ctx);
void add_backup_verify(CLI::App& parent, Context& ctx, RunFn<BackupVerifyOptions> run = run_backup_verify);

// backup restore-test
struct BackupRestoreTestOptions {
  JobFlags job;
  std::string dir;
  std::string file;    // --file; default the newest backup in dir
  std::string scratch; // --scratch; default credguard_restore_test_<time>
  std::vector<std::string> tables;
  double tolerance = 10;
};
int run_backup_restore_test(const BackupRestoreTestOptions& options, Context& ctx);
void add_backup_restore_test(CLI::App& parent, Context& ctx,
                             RunFn<BackupRestoreTestOptions> run = run_backup_restore_test);

// backup archive-jobs
struct BackupArchiveJobsOptions {
  JobFlags job;
  std::string dir; // --dir; default backup.archive_dir, else <backup.dir>/archive
  std::string older_than = "90d";
  std::uint64_t batch_size = 5000;
  bool no_upload = false; // --no-upload: skip s3.backup_bucket
  bool dry_run = false;
};
int run_backup_archive_jobs(const BackupArchiveJobsOptions& options, Context& ctx);
void add_backup_archive_jobs(CLI::App& parent, Context& ctx,
                             RunFn<BackupArchiveJobsOptions> run = run_backup_archive_jobs);

} // namespace credguard::cli
