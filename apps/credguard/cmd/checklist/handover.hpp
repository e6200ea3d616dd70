#pragma once

#include "cli/verb.hpp"

#include <string>

namespace credguard::cli {

// checklist handover: the shift report (runbook section 8) from the journal.
struct HandoverOptions {
  std::string since = "12h";    // the shift: --since (RFC 3339, date or age)
  std::string lookback = "30d"; // how far back open incidents are looked for
};

// Prints the newest result of each checklist, open incidents and pending
// steps, and the shift's activity; journals the handover. Returns 0, or
// throws Error (usage for bad times, io when the journal cannot be read).
int run_checklist_handover(const HandoverOptions& options, Context& ctx);
void add_checklist_handover(CLI::App& parent, Context& ctx, RunFn<HandoverOptions> run = run_checklist_handover);

} // namespace credguard::cli
