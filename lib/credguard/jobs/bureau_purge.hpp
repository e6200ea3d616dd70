#pragma once

#include <credguard/core/clock.hpp>
#include <credguard/mysql/client.hpp>

#include <cstdint>
#include <functional>
#include <string>

namespace credguard::jobs {

// What purge_bureau_cache does (runbook 2.5, step 1).
struct BureauPurgeOptions {
  std::uint64_t batch_size = 5000; // rows per DELETE (one transaction each)
  bool dry_run = false;            // count only
  // Called after each batch with the rows deleted so far (progress).
  std::function<void(std::uint64_t deleted)> on_batch;
};

// What it did.
struct BureauPurgeResult {
  std::string cutoff;        // the server's NOW() when it started ("YYYY-MM-DD HH:MM:SS")
  std::uint64_t deleted = 0; // rows deleted (dry run: rows that would be)
  std::uint64_t batches = 0;
  Millis duration{0};
};

// Deletes the rows of bureau_cache whose expiresAt is before the server's
// NOW() taken once at the start, in autocommitted batches of at most
// `batch_size` rows, so that no lock is held for long and rows written
// meanwhile (not yet expired) are never touched. Throws what
// mysql::Client::query throws; rows deleted by finished batches stay
// deleted (each batch is complete in itself).
BureauPurgeResult purge_bureau_cache(mysql::Client& db, const Clock& clock, const BureauPurgeOptions& options);

} // namespace credguard::jobs
