#pragma once

#include <string>
#include <string_view>

namespace credguard::journal {

// The names that writers and readers of the journal share: outcomes,
// and the actions of the incident plans. Entries are written with these,
// and the post-mortem, the shift report and the handover read them back.

namespace outcome {
inline constexpr std::string_view started = "started";   // a step is about to act: its intent
inline constexpr std::string_view ok = "ok";             // done, and observed done in that run
inline constexpr std::string_view repaired = "repaired"; // was done before, had drifted, done again
inline constexpr std::string_view failed = "failed";
inline constexpr std::string_view skipped = "skipped"; // nothing to do, or not configured
inline constexpr std::string_view interrupted = "interrupted";
} // namespace outcome

// True for the outcomes that mean the step's desired state was reached.
inline bool reached(std::string_view value)
{
  return value == outcome::ok || value == outcome::repaired;
}

// The commands that run plans: an action is "<command>.<step>".
namespace command {
inline constexpr std::string_view revoke = "revoke";
inline constexpr std::string_view quarantine = "quarantine";
inline constexpr std::string_view quarantine_release = "quarantine.release";
inline constexpr std::string_view quarantine_confirm = "quarantine.confirm";
inline constexpr std::string_view rollback = "rollback";
inline constexpr std::string_view purge_cache = "purge-cache";
} // namespace command

// The steps of those plans.
namespace step {
inline constexpr std::string_view mark = "mark";
inline constexpr std::string_view events = "events";
inline constexpr std::string_view denylist = "denylist";
inline constexpr std::string_view purge = "purge";
inline constexpr std::string_view alias = "alias";
inline constexpr std::string_view freeze = "freeze";
inline constexpr std::string_view forensic = "forensic";
inline constexpr std::string_view prewarm = "prewarm";
inline constexpr std::string_view validate = "validate";
inline constexpr std::string_view proof = "proof"; // the status checks that end a plan
inline constexpr std::string_view summary = "summary";
} // namespace step

// "<command>.<step>".
inline std::string action(std::string_view command, std::string_view step)
{
  std::string out(command);
  out += '.';
  out += step;
  return out;
}

// True when `action` is some command's `step` ("revoke.alias" for alias).
inline bool is_step(std::string_view action, std::string_view step)
{
  return action.size() > step.size() && action.ends_with(step) && action[action.size() - step.size() - 1] == '.';
}

inline constexpr std::string_view k_triage_decision = "triage.decision";

} // namespace credguard::journal
