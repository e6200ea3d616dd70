#pragma once

#include "cli/verb.hpp"

#include <string>

namespace credguard::cli {

// revoke MODEL VERSION --incident ID --reason TEXT
struct RevokeOptions {
  std::string model;
  std::string version;
  std::string incident;
  std::string reason;
  bool emergency = false;
  bool planned = false;
  std::string to;
  bool forensic = false;
  bool renotify = false;
  bool dry_run = false;
  bool yes = false;
};

// Inspects the registry, prints the plan and, once confirmed, runs it:
// exit 0 when every step is done, 2 when one failed, 130 when interrupted;
// 65 for an unknown model or version and 64 without confirmation, before
// anything changes; 74 when the journal cannot be written.
int run_revoke(const RevokeOptions& options, Context& ctx);

// Adds the revoke command's flags to `cmd`.
void add_revoke_command(CLI::App& cmd, Context& ctx, RunFn<RevokeOptions> run = run_revoke);

} // namespace credguard::cli
