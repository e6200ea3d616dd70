#pragma once

#include "cmd/backup/backup.hpp"

#include <cstdint>

namespace credguard::cli {

// purge-cache bureau [--batch-size N] [--dry-run] [--textfile DIR]
struct PurgeBureauOptions {
  JobFlags job;
  std::uint64_t batch_size = 5000;
  bool dry_run = false;
};

// Deletes the expired rows of bureau_cache in batches as the scheduled job
// "purge-bureau" (lock, journal, metrics) and reports rows and time. Exit 0
// done, 75 another run holds the lock, what the database errors map to.
int run_purge_bureau(const PurgeBureauOptions& options, Context& ctx);

// Adds the verb as `bureau` under `parent` (purge-cache).
void add_purge_bureau(CLI::App& parent, Context& ctx, RunFn<PurgeBureauOptions> run = run_purge_bureau);

} // namespace credguard::cli
