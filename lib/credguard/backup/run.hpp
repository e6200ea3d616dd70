#pragma once

#include <credguard/backup/gzip_file.hpp>
#include <credguard/backup/mysql_tools.hpp>
#include <credguard/backup/retention.hpp>
#include <credguard/core/clock.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace credguard::backup {

// What run_backup does.
struct RunOptions {
  std::filesystem::path dir; // where backups live
  SystemTime now;            // names the file (UTC)
  RetentionPolicy retention;
  Tools tools;
};

// What it did.
struct RunResult {
  WrittenFile file;
  std::vector<std::string> removed; // by retention
};

// The backup file name for `now`: credguard-YYYYMMDD-HHMMSS.sql.gz (UTC).
std::string backup_name(SystemTime now);

// Dumps connect.database into `<dir>/credguard-YYYYMMDD-HHMMSS.sql.gz`
// through a temporary dot-file renamed only when the dump completed, writes
// its .sha256, reads it back (checksum, gzip, end marker), and only then
// applies the retention policy, which never removes this new backup. Removes
// temporary files left by killed runs first (the caller holds the job
// lock). Throws Error(conflict) when that name exists already, and what
// dump_database throws; on any failure no file under the final name exists.
RunResult run_backup(const mysql::ConnectOptions& connect, const RunOptions& options);

} // namespace credguard::backup
