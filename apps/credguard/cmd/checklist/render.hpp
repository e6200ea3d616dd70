#pragma once

#include "cli/context.hpp"

#include <credguard/checks/definition.hpp>
#include <credguard/checks/engine.hpp>
#include <credguard/checks/result.hpp>

namespace credguard::cli {

// "checks 12/21" on a TTY's stderr, rewritten as checks finish.
class ChecklistProgress {
public:
  ChecklistProgress(Context& ctx, const checks::Runbook& runbook, const checks::RunOptions& options);
  void done(const checks::CheckResult& result);
  void finish();

private:
  Context& m_ctx;
  std::size_t m_total = 0;
  std::size_t m_done = 0;
};

// The table: status, check, value, threshold, detail; then the runbook's
// actions for everything that did not pass; then a one-line summary.
void render_checklist(Context& ctx, const checks::ChecklistReport& report);

} // namespace credguard::cli
