#pragma once

#include <credguard/backup/mysql_tools.hpp>
#include <credguard/core/clock.hpp>
#include <credguard/mysql/client.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace credguard::backup {

// What restore_test does (runbook 2.2, step 2).
struct RestoreTestOptions {
  std::filesystem::path backup;    // the backup file to restore
  std::string scratch;             // scratch database name; must not exist
  std::vector<std::string> tables; // key tables to compare (identifiers)
  double tolerance_percent = 10;   // allowed row-count difference to live
  Tools tools;
};

// One key table: rows live and in the restored copy (nullopt: missing).
struct TableComparison {
  std::string table;
  std::optional<std::uint64_t> live;
  std::optional<std::uint64_t> restored;
  bool ok = false;
};

// The verdict.
struct RestoreTestResult {
  bool ok = false;
  std::string problem; // the first reason it failed, one clause
  std::vector<TableComparison> tables;
  std::uint64_t restored_rows = 0;
  bool scratch_dropped = false;
};

// Checks the backup's checksum and gzip stream, creates the scratch
// database, restores the backup into it with the client tool, compares each
// key table's row count with the live database (connect.database), and
// drops the scratch database whatever happened. A damaged backup, a failed
// restore or a table off by more than the tolerance is a failed result, not
// an exception. Throws Error(usage) for a scratch or table name that is not
// a plain identifier, Error(conflict) when the scratch database exists, and
// what mysql::Client::query throws for the live database.
RestoreTestResult restore_test(mysql::Client& db, const mysql::ConnectOptions& connect,
                               const RestoreTestOptions& options);

// True for names made of letters, digits and '_' (at most 64).
bool is_identifier(const std::string& name);

} // namespace credguard::backup
