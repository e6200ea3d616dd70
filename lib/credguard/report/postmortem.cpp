#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/core/time_format.hpp>
#include <credguard/journal/milestones.hpp>
#include <credguard/journal/names.hpp>
#include <credguard/report/postmortem.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <regex>

namespace credguard::report {

namespace {

// A JSON value as short text: strings bare, numbers as written.
std::string text_of(const nlohmann::json& value)
{
  if (value.is_string()) {
    return value.get<std::string>();
  }
  if (value.is_null()) {
    return "";
  }
  return value.dump();
}

std::string field(const nlohmann::json& object, const char* key)
{
  if (!object.is_object()) {
    return "";
  }
  auto it = object.find(key);
  return it == object.end() ? "" : text_of(*it);
}

bool flag(const nlohmann::json& object, const char* key)
{
  auto it = object.find(key);
  return it != object.end() && it->is_boolean() && it->get<bool>();
}

bool ends_with_step(const std::string& action, std::string_view step)
{
  auto dot = action.rfind('.');
  return dot != std::string::npos && std::string_view(action).substr(dot + 1) == step;
}

std::string describe(const journal::Entry& e)
{
  const auto& evidence = e.what.evidence;
  if (e.what.action == "triage.decision") {
    auto severity = evidence.contains("severity") ? field(evidence["severity"], "level") : "";
    return fmt::format("{}{}", field(evidence, "decision"), severity.empty() ? "" : " (" + severity + ")");
  }
  if (e.what.action == "triage.batch" && evidence.contains("summary")) {
    const auto& s = evidence["summary"];
    return fmt::format("{} events: {} legitimate, {} investigate, {} monitor", field(s, "events"),
                       field(s, "legitimate"), field(s, "investigate"), field(s, "monitor"));
  }
  if (ends_with_step(e.what.action, "alias") && evidence.contains("alias")) {
    auto old_version = field(evidence, "old");
    auto new_version = field(evidence, "new");
    return fmt::format("{}: {} -> {}", field(evidence, "alias"), old_version.empty() ? "none" : old_version,
                       new_version.empty() ? "none" : new_version);
  }
  if (evidence.is_object() && evidence.contains("endpoints") && evidence["endpoints"].is_array()) {
    const auto& endpoints = evidence["endpoints"];
    auto ok = std::count_if(endpoints.begin(), endpoints.end(),
                            [](const nlohmann::json& ep) { return ep.is_object() && flag(ep, "ok"); });
    auto error = field(evidence, "error");
    return fmt::format("{}/{} endpoints ok{}", ok, endpoints.size(), error.empty() ? "" : ": " + error);
  }
  for (const char* key : {"error", "message", "problem", "headline"}) {
    if (auto text = field(evidence, key); !text.empty()) {
      return text;
    }
  }
  return "";
}

void add_unique(std::vector<std::string>& list, const std::string& value)
{
  if (!value.empty() && std::find(list.begin(), list.end(), value) == list.end()) {
    list.push_back(value);
  }
}

Milestone at(const journal::Entry& e)
{
  return {e.time, fmt::format("entry {} ({})", e.seq, e.what.action)};
}

} // namespace

ActionItem parse_action_item(std::string_view spec)
{
  auto fields = split(spec, ';');
  if (fields.size() != 3) {
    throw Error(ErrorKind::usage,
                fmt::format("--action \"{}\": expected \"text;owner;due\" (3 fields separated by ';'), got {}", spec,
                            fields.size()),
                "for example: --action \"Alert on ETL lag over 15 minutes;data-eng;2026-12-15\"");
  }
  ActionItem item{std::string(trim(fields[0])), std::string(trim(fields[1])), std::string(trim(fields[2]))};
  for (auto [name, value] :
       {std::pair<const char*, const std::string*>{"text", &item.text}, {"owner", &item.owner}, {"due", &item.due}}) {
    if (value->empty()) {
      throw Error(ErrorKind::usage, fmt::format("--action \"{}\": the {} is empty", spec, name));
    }
  }
  static const std::regex k_date(R"(\d{4}-\d{2}-\d{2})");
  if (!std::regex_match(item.due, k_date) || !parse_rfc3339(item.due)) {
    throw Error(ErrorKind::usage,
                fmt::format("--action \"{}\": due date \"{}\" is not a date (YYYY-MM-DD)", spec, item.due));
  }
  return item;
}

std::optional<Millis> between(const Milestone& from, const Milestone& to)
{
  auto start = parse_rfc3339(from.time);
  auto end = parse_rfc3339(to.time);
  if (!start || !end || *end < *start) {
    return std::nullopt;
  }
  return std::chrono::duration_cast<Millis>(*end - *start);
}

Postmortem build_postmortem(const std::string& incident, const std::vector<journal::Entry>& entries,
                            const journal::VerifyResult& verify, SystemTime now, std::string generator)
{
  Postmortem pm;
  pm.incident = incident;
  pm.generated_at = format_rfc3339_seconds(now);
  pm.generator = std::move(generator);
  pm.verify = verify;
  pm.entry_count = entries.size();
  Milestone freeze_t0;
  Milestone recovered_validated;
  Milestone recovered_alias;
  for (const auto& e : entries) {
    const auto& action = e.what.action;
    const auto& evidence = e.what.evidence;
    add_unique(pm.actors, e.who.actor);
    if (action == k_root_cause_action) {
      pm.root_causes.push_back(field(evidence, "text"));
      continue;
    }
    if (action == k_lesson_action) {
      pm.lessons.push_back(field(evidence, "text"));
      continue;
    }
    if (action == k_action_item_action) {
      pm.actions.push_back({field(evidence, "text"), field(evidence, "owner"), field(evidence, "due")});
      continue;
    }
    if (action.starts_with("postmortem.")) {
      continue;
    }
    add_unique(pm.targets, e.what.target);
    TimelineRow row{e.seq, e.time, e.who.actor, action, e.what.target, e.what.outcome, describe(e)};
    pm.timeline.push_back(row);
    if (e.what.outcome == "failed") {
      pm.failures.push_back(row);
    }
    if (pm.detected.time.empty()) {
      pm.detected = at(e);
    }
    if (action == "triage.decision" && !pm.triage) {
      pm.triage = evidence;
      pm.triage_seq = e.seq;
      pm.detected = at(e);
      if (auto time = field(evidence.value("inputs", nlohmann::json::object()), "time"); !time.empty()) {
        pm.started = {time, fmt::format("entry {} (GuardTrip event time)", e.seq)};
      }
    }
    if (ends_with_step(action, "freeze") && freeze_t0.time.empty()) {
      if (auto t0 = field(evidence, "t0"); !t0.empty()) {
        freeze_t0 = {t0, fmt::format("entry {} ({} t0)", e.seq, action)};
      }
    }
    bool ok = journal::reached(e.what.outcome);
    if (ends_with_step(action, "alias") && evidence.is_object() && evidence.contains("alias")) {
      pm.aliases.push_back({e.time, e.who.actor, action, e.what.target, e.what.outcome, field(evidence, "alias"),
                            field(evidence, "old"), field(evidence, "new")});
    }
    // Recovery is a rollback: a revoke's alias cut blocks, it does not recover.
    if (ok && action == journal::action(journal::command::rollback, journal::step::validate) &&
        recovered_validated.time.empty()) {
      recovered_validated = at(e);
    }
    if (ok && action == journal::action(journal::command::rollback, journal::step::alias) &&
        recovered_alias.time.empty()) {
      recovered_alias = at(e);
    }
    if (evidence.is_object() && evidence.contains("endpoints") && evidence["endpoints"].is_array()) {
      for (const auto& ep : evidence["endpoints"]) {
        if (!ep.is_object()) {
          continue;
        }
        pm.purges.push_back({e.time, e.what.target, field(ep, "layer"), field(ep, "endpoint"), flag(ep, "ok"),
                             field(ep, "status"), field(ep, "ms")});
      }
    }
  }
  if (auto blocked = journal::traffic_blocked(entries)) {
    pm.blocked = {blocked->time, fmt::format("entry {} ({})", blocked->seq, blocked->action)};
  }
  pm.recovered = recovered_validated.time.empty() ? recovered_alias : recovered_validated;
  // The incident started at the earliest moment a record puts it: the
  // GuardTrip event, or a freeze T0 the responders set before it.
  if (!freeze_t0.time.empty() && (pm.started.time.empty() || between(freeze_t0, pm.started))) {
    pm.started = freeze_t0;
  }
  return pm;
}

} // namespace credguard::report
