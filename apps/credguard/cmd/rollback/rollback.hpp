#pragma once

#include "cli/verb.hpp"

#include <string>

namespace credguard::cli {

// rollback MODEL [--to VERSION] --incident ID
struct RollbackOptions {
  std::string model;
  std::string to;
  std::string incident;
  std::string reason;
  bool force = false;
  bool renotify = false;
  bool dry_run = false;
  bool yes = false;
};

// Chooses the target, prints the plan and, once confirmed, runs it: exit 0
// when validated (or a dry run), 2 when a step failed (the way back is
// printed), 130 when interrupted. Throws Error before anything changes:
// usage (64; also when not confirmed without a terminal and no --yes),
// data (65, no target), config (78), unavailable (69).
int run_rollback(const RollbackOptions& options, Context& ctx);

} // namespace credguard::cli
