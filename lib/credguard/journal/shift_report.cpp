#include <credguard/core/time_format.hpp>
#include <credguard/journal/shift_report.hpp>

#include <algorithm>
#include <tuple>

namespace credguard::journal {

namespace {

bool finished(const std::string& outcome)
{
  return outcome != "started" && outcome != "failed";
}

} // namespace

std::size_t ShiftReport::open_incidents() const
{
  return static_cast<std::size_t>(
      std::count_if(incidents.begin(), incidents.end(), [](const IncidentState& i) { return i.pending > 0; }));
}

ShiftReport build_shift_report(const std::vector<Entry>& entries, SystemTime shift_start, SystemTime now)
{
  ShiftReport report;
  report.shift_start = format_rfc3339_seconds(shift_start);
  report.shift_end = format_rfc3339_seconds(now);
  std::map<std::string, ChecklistRun> checklists;
  std::map<std::string, IncidentState> incidents;
  // (incident, action, target) -> the step's newest entry
  std::map<std::tuple<std::string, std::string, std::string>, PendingStep> steps;

  for (const auto& entry : entries) {
    const auto& what = entry.what;
    auto when = parse_rfc3339(entry.time);
    if (when && *when >= shift_start) {
      ++report.shift_entries;
      ++report.shift_actions[what.action];
    }
    if (what.action.starts_with("checklist.") && what.action != "checklist.handover" && what.incident.empty()) {
      ChecklistRun run;
      run.checklist = what.action.substr(10);
      run.seq = entry.seq;
      run.time = entry.time;
      run.actor = entry.who.actor;
      run.outcome = what.outcome;
      if (what.evidence.is_object()) {
        run.summary = what.evidence.value("summary", nlohmann::json::object());
        run.problems = what.evidence.value("problems", nlohmann::json::array());
      }
      checklists[run.checklist] = std::move(run);
      continue;
    }
    if (what.incident.empty()) {
      continue;
    }
    auto& incident = incidents[what.incident];
    if (incident.entries++ == 0) {
      incident.id = what.incident;
      incident.first_time = entry.time;
    }
    incident.last_time = entry.time;
    incident.last_action = what.action;
    incident.last_outcome = what.outcome;
    steps[{what.incident, what.action, what.target}] =
        PendingStep{what.incident, what.action, what.target, what.outcome, entry.seq, entry.time, entry.who.actor};
  }

  for (auto& [key, step] : steps) {
    if (!finished(step.state)) {
      ++incidents[step.incident].pending;
      report.pending.push_back(step);
    }
  }
  std::sort(report.pending.begin(), report.pending.end(),
            [](const PendingStep& a, const PendingStep& b) { return a.seq < b.seq; });
  for (auto& [name, run] : checklists) {
    report.checklists.push_back(std::move(run));
  }
  for (auto& [id, incident] : incidents) {
    report.incidents.push_back(std::move(incident));
  }
  std::sort(report.incidents.begin(), report.incidents.end(), [](const IncidentState& a, const IncidentState& b) {
    if ((a.pending > 0) != (b.pending > 0)) {
      return a.pending > 0;
    }
    return a.last_time > b.last_time;
  });
  return report;
}

nlohmann::json to_json(const ShiftReport& report)
{
  nlohmann::json checklists = nlohmann::json::array();
  for (const auto& run : report.checklists) {
    checklists.push_back({{"checklist", run.checklist},
                          {"seq", run.seq},
                          {"time", run.time},
                          {"actor", run.actor},
                          {"outcome", run.outcome},
                          {"summary", run.summary},
                          {"problems", run.problems}});
  }
  nlohmann::json incidents = nlohmann::json::array();
  for (const auto& incident : report.incidents) {
    incidents.push_back({{"incident", incident.id},
                         {"open", incident.pending > 0},
                         {"pending_steps", incident.pending},
                         {"entries", incident.entries},
                         {"first_time", incident.first_time},
                         {"last_time", incident.last_time},
                         {"last_action", incident.last_action},
                         {"last_outcome", incident.last_outcome}});
  }
  nlohmann::json pending = nlohmann::json::array();
  for (const auto& step : report.pending) {
    pending.push_back({{"incident", step.incident},
                       {"action", step.action},
                       {"target", step.target},
                       {"state", step.state},
                       {"seq", step.seq},
                       {"time", step.time},
                       {"actor", step.actor}});
  }
  return {{"schema_version", 1},
          {"shift", {{"start", report.shift_start}, {"end", report.shift_end}}},
          {"checklists", checklists},
          {"open_incidents", report.open_incidents()},
          {"incidents", incidents},
          {"pending_steps", pending},
          {"shift_activity", {{"entries", report.shift_entries}, {"actions", report.shift_actions}}}};
}

} // namespace credguard::journal
