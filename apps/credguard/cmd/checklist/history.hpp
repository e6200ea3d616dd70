#pragma once

#include "cli/context.hpp"

#include <credguard/checks/engine.hpp>

#include <set>
#include <string>

namespace credguard::cli {

// The ids of the selected checks whose kind compares with earlier runs
// (CheckKind::wants_history).
std::set<std::string> checks_with_history(const checks::Runbook& runbook, const checks::KindRegistry& kinds,
                                          const checks::RunOptions& options);

// Their results in the recent runs of this checklist, newest first, read
// from the journal entries' evidence.data. A journal that does not exist or
// cannot be read gives no history (logged at debug level), never an error.
std::map<std::string, std::vector<checks::PastResult>, std::less<>>
load_history(Context& ctx, const std::string& checklist, const std::set<std::string>& ids);

// The evidence to journal for the next runs: {id: data} of those checks.
nlohmann::json history_evidence(const checks::ChecklistReport& report, const std::set<std::string>& ids);

} // namespace credguard::cli
