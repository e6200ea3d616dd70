#pragma once

#include <credguard/core/clock.hpp>
#include <credguard/journal/journal.hpp>

#include <nlohmann/json.hpp>

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace credguard::incident {

// How a step ended. Journal outcomes are these names (journal/names.hpp),
// after "started". `repaired`: an earlier run had reached the step's
// desired state, the world had drifted since, and this run put it back.
enum class Outcome { ok, repaired, failed, skipped };

std::string_view to_string(Outcome outcome);

// What a step returns: its outcome, one line for people, the evidence that
// goes into the journal (never a secret), and whether it changed anything.
// A step that reports ok with `acted` after an earlier run had reached it
// is journaled as repaired: the world had moved back in between.
struct StepResult {
  Outcome outcome = Outcome::ok;
  std::string summary;
  nlohmann::json evidence = nlohmann::json::object();
  bool acted = false;
};

// What a step can see while it runs.
struct StepContext {
  // This step's entries from earlier runs of the same plan (same command,
  // incident and target), oldest first. They say what was seen and done,
  // never that the world is still so: a step observes before it acts.
  // Notifications use them not to send twice.
  std::vector<journal::Entry> history;
  // Every entry of this plan so far, every step, this run's included.
  std::vector<journal::Entry> plan_entries;
  // When the incident action began: the first `started` entry of this plan
  // in any run, else now. Outputs produced after T0 are suspect.
  SystemTime t0{};

  // The evidence of this step's last ok/repaired/failed entry, or null.
  nlohmann::json last_evidence() const;
  // This step's last entry that reached its desired state, or nullptr.
  const journal::Entry* last_reached() const;
};

// One step of an incident action, level-triggered: `run` observes the real
// state of its target, acts only where it differs from the desired state,
// then observes again. Every run of the plan calls it, first or rerun.
struct Step {
  std::string name;        // "mark": journaled as <command>.mark
  std::string description; // one line of the plan
  std::function<StepResult(const StepContext&)> run = nullptr;
  // Journaled with `started`, before acting: what the step is about to do
  // (e.g. the alias change), so a crash mid-step still leaves the intent.
  nlohmann::json intent = nlohmann::json::object();
  // A failure stops the plan (later steps are not run); otherwise the plan
  // goes on and the command exits 2.
  bool stop_on_failure = false;
};

// An incident action: ordered steps on one target under one incident ID.
struct Plan {
  std::string command;  // "revoke": the action prefix
  std::string incident; // empty: no resume
  std::string target;   // e.g. credit-score@7
  std::string reason;
  std::vector<Step> steps;
  // Entries up to this sequence number are not this plan's history: a
  // quarantine after a release under the same incident starts afresh.
  std::int64_t history_after = 0;
};

// How one step went in this run.
struct StepReport {
  std::string name;
  std::string description;
  Outcome outcome = Outcome::skipped;
  bool ran = false;         // false: not reached (stopped, interrupted)
  bool done_before = false; // an earlier run of the plan had reached this step
  std::string summary = {};
  nlohmann::json evidence = nlohmann::json::object();
  Millis duration{0};
  Millis finished_after{0}; // since the run began
};

// How the whole plan went.
struct PlanReport {
  std::vector<StepReport> steps;
  bool interrupted = false;
  bool stopped = false; // a stop_on_failure step failed
  SystemTime started_at{};
  SystemTime t0{};
  Millis duration{0};

  bool any_failed() const;
  // 0 when every step is ok, repaired or skipped; 2 when one failed or
  // the plan stopped; 130 when interrupted.
  int exit_code() const;
  // The steps this run repaired.
  std::vector<const StepReport*> repaired() const;
  // The report of step `name`, or nullptr.
  const StepReport* find(const std::string& name) const;
};

// Progress callbacks and the interrupt flag.
struct RunOptions {
  const std::atomic<bool>* interrupted = nullptr; // checked between steps
  std::function<void(const Step&, std::size_t index)> on_start = nullptr;
  std::function<void(const StepReport&, std::size_t index)> on_done = nullptr;
};

// Runs plans, journaling each step as `started` before it acts and then
// ok/repaired/failed/skipped with its evidence and duration, and a final
// <command>.summary entry. Every step runs on every run: a rerun under the
// same incident re-observes and repairs what drifted.
class PlanRunner {
public:
  PlanRunner(journal::Journal& journal, const Clock& clock, std::string command_line);

  // Runs `plan`. A step that throws credguard::Error fails with the error
  // as its summary. Throws Error(io) when a journal entry cannot be
  // written: before a step acts (it then does not act) or after (the
  // message says the step ran).
  PlanReport run(const Plan& plan, const RunOptions& options = {});

  // The entries of earlier runs of `plan`, oldest first (empty when the
  // plan has no incident ID).
  std::vector<journal::Entry> history(const Plan& plan) const;

private:
  journal::Entry append(const Plan& plan, const std::string& step, const std::string& outcome, nlohmann::json evidence);

  journal::Journal& m_journal;
  const Clock& m_clock;
  std::string m_command_line;
};

} // namespace credguard::incident
