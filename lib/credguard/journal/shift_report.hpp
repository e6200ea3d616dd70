#pragma once

#include <credguard/core/clock.hpp>
#include <credguard/journal/entry.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace credguard::journal {

// The newest run of one checklist, as journaled by `checklist NAME`.
struct ChecklistRun {
  std::string checklist; // daily, weekly, ...
  std::int64_t seq = 0;
  std::string time;
  std::string actor;
  std::string outcome;                               // pass, warn, fail, unknown
  nlohmann::json summary = nlohmann::json::object(); // {pass, warn, fail, unknown, skip}
  nlohmann::json problems = nlohmann::json::array(); // [{id, status, value, detail}]
};

// A step of an incident that has not finished well: its newest entry is
// `started` (running, or interrupted) or `failed`.
struct PendingStep {
  std::string incident;
  std::string action;
  std::string target;
  std::string state; // started | failed
  std::int64_t seq = 0;
  std::string time;
  std::string actor;
};

// An incident with steps journaled in the period looked at.
struct IncidentState {
  std::string id;
  std::string first_time;
  std::string last_time;
  std::string last_action;
  std::string last_outcome;
  std::size_t entries = 0;
  std::size_t pending = 0; // open when > 0
};

// The shift handover of the operations runbook (section 8): the newest
// result of each checklist, open incidents and their pending steps, and
// what was journaled during the shift.
struct ShiftReport {
  std::string shift_start;
  std::string shift_end;
  std::vector<ChecklistRun> checklists;             // newest run of each, by name
  std::vector<IncidentState> incidents;             // open ones first, then by last activity
  std::vector<PendingStep> pending;                 // oldest first
  std::size_t shift_entries = 0;                    // entries since shift_start
  std::map<std::string, std::size_t> shift_actions; // action -> count, since shift_start

  std::size_t open_incidents() const;
};

// Builds the report from `entries` (oldest first, as Journal::list returns
// them) covering at least the incidents' history; `shift_start`..`now` is
// the shift. Entries of checklist.handover itself are not checklist runs.
ShiftReport build_shift_report(const std::vector<Entry>& entries, SystemTime shift_start, SystemTime now);

// The report's JSON document (schema_version 1).
nlohmann::json to_json(const ShiftReport& report);

} // namespace credguard::journal
