#pragma once

#include "cli/verb.hpp"
#include "cmd/purge/bureau.hpp"

#include <string>
#include <vector>

namespace credguard::cli {

// purge-cache MODEL VERSION [--layers gateway,serving,vector,cdn]
struct PurgeCacheOptions {
  std::string model;
  std::string version;
  std::vector<std::string> layers; // empty = all
  std::string incident;
  std::string reason;
  bool dry_run = false;
  bool yes = false;
};

// Purges model@version from the configured endpoints of the chosen layers
// concurrently, verifies, and denylists the version when any endpoint
// fails. Exit 0 when all purged, 2 when one failed (the version is then
// denylisted where configured), 64/65/74/78 before anything changes.
int run_purge_cache(const PurgeCacheOptions& options, Context& ctx);

// Adds the purge-cache command's positionals and flags to `cmd`, and its
// `bureau` subcommand (cmd/purge/bureau.hpp). MODEL and VERSION are
// required unless a subcommand is given (CLI::RequiredError, exit 64), and
// refused with one (CLI::ExtrasError).
void add_purge_cache_command(CLI::App& cmd, Context& ctx, RunFn<PurgeCacheOptions> run = run_purge_cache,
                             RunFn<PurgeBureauOptions> bureau = run_purge_bureau);

} // namespace credguard::cli
