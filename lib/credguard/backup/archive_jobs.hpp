#pragma once

#include <credguard/backup/gzip_file.hpp>
#include <credguard/backup/mysql_tools.hpp>
#include <credguard/core/clock.hpp>
#include <credguard/mysql/client.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace credguard::backup {

// What archive_jobs does (runbook 2.5, step 2).
struct ArchiveOptions {
  std::filesystem::path dir; // where jobs-YYYYMMDD-HHMMSS.sql.gz goes
  SystemTime now;            // names the file
  Millis older_than{90LL * 24 * 3'600'000};
  std::uint64_t batch_size = 5000; // rows per DELETE
  bool dry_run = false;            // count only
  Tools tools;
  // Runs between writing the export and verifying it (tests inject
  // failures here). May throw: then nothing is deleted.
  std::function<void(const WrittenFile&)> before_verify;
  // Runs once the export verified, before any row is deleted (the S3
  // upload goes here). May throw: then nothing is deleted.
  std::function<void(const WrittenFile&)> before_delete;
};

// What it did.
struct ArchiveResult {
  std::string cutoff; // rows created before this (server time) were archived
  std::uint64_t jobs = 0;
  std::uint64_t scores = 0;
  std::optional<WrittenFile> file;
  std::uint64_t deleted_jobs = 0;
  std::uint64_t deleted_scores = 0;
};

// Exports batch_jobs created before the server's NOW() - older_than and
// their customer_scores (INSERT statements only, one per row) into a
// compressed file with a .sha256, reads it back (checksum, gzip, end
// marker, one INSERT per counted row), and only then deletes those rows,
// children first, in batches of batch_size. The set is fixed at the start
// (by the cutoff and the highest ids), so rows written meanwhile are
// neither exported nor deleted. Anything that fails before the
// verification passed, or in before_delete, leaves every row in place.
// Throws Error(data) when the export does not verify, what before_verify,
// before_delete, dump_database and mysql::Client::query throw otherwise.
ArchiveResult archive_jobs(mysql::Client& db, const mysql::ConnectOptions& connect, const ArchiveOptions& options);

// The archive file name for `now`: jobs-YYYYMMDD-HHMMSS.sql.gz (UTC).
std::string archive_name(SystemTime now);

} // namespace credguard::backup
