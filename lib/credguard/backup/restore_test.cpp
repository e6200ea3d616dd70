#include <credguard/backup/gzip_file.hpp>
#include <credguard/backup/restore_test.hpp>
#include <credguard/core/error.hpp>

#include <fmt/format.h>

#include <cmath>

namespace credguard::backup {

bool is_identifier(const std::string& name)
{
  return !name.empty() && name.size() <= 64 &&
         name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == std::string::npos;
}

namespace {

std::optional<std::uint64_t> count_rows(mysql::Client& db, const std::string& database, const std::string& table)
{
  auto exists = db.query("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?",
                         {database, table});
  if (exists.scalar().value_or("0") == "0") {
    return std::nullopt;
  }
  auto count = db.query(fmt::format("SELECT COUNT(*) FROM `{}`.`{}`", database, table)).scalar();
  return std::stoull(count.value_or("0"));
}

} // namespace

RestoreTestResult restore_test(mysql::Client& db, const mysql::ConnectOptions& connect,
                               const RestoreTestOptions& options)
{
  if (!is_identifier(options.scratch)) {
    throw Error(ErrorKind::usage, fmt::format("scratch database name {:?} is not a plain identifier", options.scratch));
  }
  if (options.scratch == connect.database) {
    throw Error(ErrorKind::usage, "the scratch database must not be the live database");
  }
  for (const auto& table : options.tables) {
    if (!is_identifier(table)) {
      throw Error(ErrorKind::usage, fmt::format("table name {:?} is not a plain identifier", table));
    }
  }
  RestoreTestResult result;
  auto integrity = check_integrity(options.backup, k_dump_completed);
  if (!integrity.ok) {
    result.problem = integrity.problem;
    return result;
  }
  auto exists = db.query("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", {options.scratch});
  if (exists.scalar().value_or("0") != "0") {
    throw Error(ErrorKind::conflict, fmt::format("scratch database {} exists already", options.scratch),
                "drop it, or name another with --scratch");
  }
  db.query(fmt::format("CREATE DATABASE `{}`", options.scratch));
  try {
    restore_database(connect, options.scratch, options.backup, options.tools);
    result.ok = true;
    for (const auto& table : options.tables) {
      TableComparison comparison{table, count_rows(db, connect.database, table), count_rows(db, options.scratch, table),
                                 false};
      if (!comparison.restored) {
        comparison.ok = false;
      } else if (!comparison.live) {
        comparison.ok = true; // nothing live to compare with
      } else {
        auto live = static_cast<double>(*comparison.live);
        auto restored = static_cast<double>(*comparison.restored);
        comparison.ok = std::fabs(restored - live) <= live * options.tolerance_percent / 100.0 &&
                        (*comparison.live == 0 || *comparison.restored > 0);
      }
      result.restored_rows += comparison.restored.value_or(0);
      if (!comparison.ok && result.ok) {
        result.ok = false;
        result.problem = comparison.restored
                             ? fmt::format("{}: {} rows restored, {} live (beyond ±{} %)", table, *comparison.restored,
                                           comparison.live.value_or(0), options.tolerance_percent)
                             : fmt::format("{}: missing from the restored copy", table);
      }
      result.tables.push_back(comparison);
    }
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::unavailable && e.kind() != ErrorKind::data) {
      db.query(fmt::format("DROP DATABASE IF EXISTS `{}`", options.scratch));
      throw;
    }
    result.ok = false;
    result.problem = e.what();
  }
  db.query(fmt::format("DROP DATABASE IF EXISTS `{}`", options.scratch));
  result.scratch_dropped = true;
  return result;
}

} // namespace credguard::backup
