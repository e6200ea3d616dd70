// triage --execute: the rollback a legitimate verdict calls for, through
// rollback's own code (plan, confirmation, journal).
#include "cmd/rollback/rollback.hpp"
#include "cmd/triage/triage.hpp"

#include <credguard/core/error.hpp>

#include <fmt/format.h>

namespace credguard::cli {

int execute_verdict(const TriageOptions& options, Context& ctx, const triage::Verdict& verdict,
                    const std::string& incident, int code)
{
  if (verdict.decision != triage::Decision::legitimate) {
    ctx.err() << fmt::format("credguard: --execute: the decision is {}, not a rollback: nothing was run\n",
                             triage::to_string(verdict.decision));
    return code;
  }
  const std::string& ref = verdict.event.model;
  if (ref.empty()) {
    throw Error(ErrorKind::usage, "--execute: the event names no model to roll back: nothing was run",
                "give --model MODEL@VERSION or an event with a \"model\" field");
  }
  RollbackOptions rollback;
  rollback.model = ref.substr(0, ref.find('@'));
  rollback.incident = incident;
  rollback.reason = options.reason.empty()
                        ? fmt::format("triage: {} ({})", triage::title(verdict.decision), verdict.action)
                        : options.reason;
  rollback.yes = options.yes;
  rollback.dry_run = options.dry_run;
  ctx.out() << fmt::format("\n--execute: rolling back {} under incident {}\n", rollback.model, incident);
  return run_rollback(rollback, ctx);
}

} // namespace credguard::cli
