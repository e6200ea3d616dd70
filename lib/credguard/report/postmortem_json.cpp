#include <credguard/report/postmortem.hpp>

namespace credguard::report {

namespace {

nlohmann::json milestone(const Milestone& m, const Milestone& detected)
{
  nlohmann::json out = {{"time", m.time.empty() ? nlohmann::json() : nlohmann::json(m.time)},
                        {"source", m.source.empty() ? nlohmann::json() : nlohmann::json(m.source)}};
  auto d = between(detected, m);
  out["ms_after_detection"] = d ? nlohmann::json(d->count()) : nlohmann::json();
  return out;
}

nlohmann::json optional_ms(std::optional<Millis> d)
{
  return d ? nlohmann::json(d->count()) : nlohmann::json();
}

nlohmann::json rows(const std::vector<TimelineRow>& list)
{
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : list) {
    out.push_back({{"seq", r.seq},
                   {"time", r.time},
                   {"actor", r.actor},
                   {"action", r.action},
                   {"target", r.target},
                   {"outcome", r.outcome},
                   {"detail", r.detail}});
  }
  return out;
}

nlohmann::json written(const std::vector<std::string>& list)
{
  return {{"items", list}, {"to_be_written", list.empty()}};
}

} // namespace

nlohmann::json to_json(const Postmortem& pm)
{
  nlohmann::json journal = {{"verified", pm.verify.ok},
                            {"entries", pm.verify.entries},
                            {"head_hash", pm.verify.head_hash},
                            {"incident_entries", pm.entry_count}};
  if (!pm.verify.ok) {
    journal["problem"] = pm.verify.problem;
    journal["first_bad_seq"] = pm.verify.first_bad_seq ? nlohmann::json(*pm.verify.first_bad_seq) : nlohmann::json();
  }
  nlohmann::json aliases = nlohmann::json::array();
  for (const auto& a : pm.aliases) {
    aliases.push_back({{"time", a.time},
                       {"actor", a.actor},
                       {"action", a.action},
                       {"target", a.target},
                       {"outcome", a.outcome},
                       {"alias", a.alias},
                       {"old", a.old_version},
                       {"new", a.new_version}});
  }
  nlohmann::json purges = nlohmann::json::array();
  for (const auto& p : pm.purges) {
    purges.push_back({{"time", p.time},
                      {"target", p.target},
                      {"layer", p.layer},
                      {"endpoint", p.endpoint},
                      {"ok", p.ok},
                      {"status", p.status},
                      {"ms", p.ms}});
  }
  nlohmann::json actions = nlohmann::json::array();
  for (const auto& a : pm.actions) {
    actions.push_back({{"text", a.text}, {"owner", a.owner}, {"due", a.due}});
  }
  return {
      {"schema_version", 1},
      {"incident", pm.incident},
      {"generated_at", pm.generated_at},
      {"generator", pm.generator},
      {"journal", journal},
      {"context", {{"targets", pm.targets}, {"actors", pm.actors}, {"to_be_written", true}}},
      {"timeline", rows(pm.timeline)},
      {"milestones",
       {{"started", milestone(pm.started, pm.detected)},
        {"detected", milestone(pm.detected, pm.detected)},
        {"traffic_blocked", milestone(pm.blocked, pm.detected)},
        {"recovered", milestone(pm.recovered, pm.detected)},
        {"time_to_detect_ms", optional_ms(between(pm.started, pm.detected))},
        {"time_to_block_ms", optional_ms(between(pm.detected, pm.blocked))},
        {"time_to_recover_ms", optional_ms(between(pm.detected, pm.recovered))}}},
      {"detection",
       {{"triage", pm.triage ? *pm.triage : nlohmann::json()},
        {"triage_seq", pm.triage ? nlohmann::json(pm.triage_seq) : nlohmann::json()},
        {"to_be_written", true}}},
      {"root_cause", written(pm.root_causes)},
      {"response",
       {{"aliases", aliases}, {"purges", purges}, {"failed_steps", rows(pm.failures)}, {"to_be_written", true}}},
      {"lessons_learned", written(pm.lessons)},
      {"action_plan", {{"items", actions}, {"to_be_written", pm.actions.empty()}}},
  };
}

} // namespace credguard::report
