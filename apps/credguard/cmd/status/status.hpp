#pragma once

#include "cli/verb.hpp"

#include <string>

namespace credguard::cli {

// status MODEL [VERSION]
struct StatusOptions {
  std::string model;
  std::string version; // empty: every Revoked or Quarantined version of the model
};

// Reads, changing nothing, where the version stands everywhere it is
// configured (registry state, aliases, denylists, caches, CronJobs) and
// prints the proof. Exit 0 when every Revoked/Quarantined version checked
// is blocked everywhere (or the version is neither), 2 when one may still
// serve, naming where; 65 unknown model or version; 69 registry
// unreachable (nothing is claimed); 77 registry auth.
int run_status(const StatusOptions& options, Context& ctx);

void add_status(CLI::App& cmd, Context& ctx, RunFn<StatusOptions> run = run_status);

} // namespace credguard::cli
