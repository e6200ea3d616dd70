#pragma once

#include <credguard/checks/definition.hpp>
#include <credguard/checks/kind.hpp>
#include <credguard/checks/result.hpp>

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace credguard::checks {

struct RunOptions {
  std::vector<std::string> only; // check ids or tags; empty = all
  std::vector<std::string> skip; // check ids or tags
  // Called as each check finishes, from the engine's thread, for progress.
  std::function<void(const CheckResult&)> on_result = nullptr;
};

// What the engine needs besides the runbook.
struct EngineContext {
  const Config& config;
  const Clock& clock;
  Log& log;
  Clients& clients;
  std::filesystem::path proc_root = "/proc";
  // Earlier results by check id, newest first (see CheckKind::wants_history).
  std::map<std::string, std::vector<PastResult>, std::less<>> history = {};
};

// The outcome of run_runbook: the report, and whether checks were left
// running past their timeout (their threads are detached; the caller should
// end the process promptly instead of returning through static destructors).
struct EngineRun {
  ChecklistReport report;
  std::size_t stragglers = 0;
};

// Runs the runbook's checks concurrently, each on its own thread with its
// own timeout. A check whose configuration is missing is SKIP naming the key
// to set; one that throws or times out is UNKNOWN with the reason. Results
// keep the runbook's order.
EngineRun run_runbook(const Runbook& runbook, const KindRegistry& kinds, const EngineContext& context,
                      const RunOptions& options);

// True when `def` is selected by only/skip (by id or tag).
bool selected(const CheckDefinition& def, const RunOptions& options);

} // namespace credguard::checks
