#include <credguard/core/strings.hpp>
#include <credguard/core/time_format.hpp>
#include <credguard/report/postmortem.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace credguard::report {

namespace {

constexpr std::string_view k_marker = "> **TO BE WRITTEN:** ";

// Text made safe for one Markdown table cell.
std::string cell(std::string_view text)
{
  std::string out;
  for (char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out.empty() ? "-" : out;
}

std::string row(const std::vector<std::string>& cells)
{
  std::string out = "|";
  for (const auto& c : cells) {
    out += " " + cell(c) + " |";
  }
  return out + "\n";
}

std::string header(const std::vector<std::string>& names)
{
  std::string out = row(names) + "|";
  for (std::size_t i = 0; i < names.size(); ++i) {
    out += "---|";
  }
  return out + "\n";
}

std::string json_text(const nlohmann::json& object, const char* key)
{
  if (!object.is_object() || !object.contains(key) || object[key].is_null()) {
    return "";
  }
  const auto& value = object[key];
  return value.is_string() ? value.get<std::string>() : value.dump();
}

std::string head(const Postmortem& pm)
{
  std::string out = fmt::format("# Post-mortem {}\n\n", pm.incident);
  out += fmt::format("- **Incident:** {}\n", pm.incident);
  out += fmt::format("- **Generated:** {} by {} from the audit journal\n", pm.generated_at, pm.generator);
  if (pm.verify.ok) {
    out += fmt::format("- **Journal:** hash chain verified ({} entries, head `{}`); {} entries for this incident\n",
                       pm.verify.entries, pm.verify.head_hash, pm.entry_count);
  } else {
    out += fmt::format("- **Journal:** **NOT VERIFIED**: {}{}. Do not rely on this document until the journal "
                       "has been examined ({} entries for this incident)\n",
                       pm.verify.first_bad_seq ? fmt::format("entry {}: ", *pm.verify.first_bad_seq) : "",
                       pm.verify.problem, pm.entry_count);
  }
  if (pm.triage) {
    const auto& severity = (*pm.triage)["severity"];
    out +=
        fmt::format("- **Severity:** {} ({}) from triage\n", json_text(severity, "level"), json_text(severity, "name"));
  }
  out += fmt::format("- **Targets:** {}\n", pm.targets.empty() ? "none journaled" : join(pm.targets, ", "));
  out += fmt::format("- **People:** {}\n\n", pm.actors.empty() ? "none journaled" : join(pm.actors, ", "));
  out += "Parts marked **TO BE WRITTEN** need a person; everything else comes from the journal.\n\n";
  return out;
}

std::string context(const Postmortem& pm)
{
  std::string out = "## 1. Context\n\n";
  out += std::string(k_marker) + "what happened and its impact: who and what was affected, and for how long.\n\n";
  if (!pm.timeline.empty()) {
    out += fmt::format("From the journal: {} step{} between {} and {}", pm.timeline.size(),
                       pm.timeline.size() == 1 ? "" : "s", pm.timeline.front().time, pm.timeline.back().time);
    if (pm.triage) {
      out += fmt::format("; triage called it {} ({})", json_text(*pm.triage, "decision"),
                         json_text((*pm.triage)["severity"], "level"));
    }
    out += ".\n\n";
  }
  return out;
}

std::string milestone_row(const char* name, const Milestone& m, const Milestone& detected)
{
  std::string since = "-";
  if (!m.time.empty()) {
    if (auto d = between(detected, m)) {
      since = d->count() == 0 ? "0s" : format_duration(*d);
    } else if (auto before = between(m, detected)) {
      since = "-" + format_duration(*before);
    }
  }
  return row({name, m.time.empty() ? "unknown" : m.time, since, m.source});
}

std::string timeline(const Postmortem& pm)
{
  std::string out = "## 2. Timeline\n\nEvery journaled step of the incident; times are UTC.\n\n";
  out += header({"Time (UTC)", "Who", "What", "Target", "Outcome", "Detail"});
  for (const auto& r : pm.timeline) {
    out += row({r.time, r.actor, r.action, r.target, r.outcome, r.detail});
  }
  out += "\n" + header({"Milestone", "Time (UTC)", "From detection", "Source"});
  out += milestone_row("Incident start (T0)", pm.started, pm.detected);
  out += milestone_row("Detected", pm.detected, pm.detected);
  out += milestone_row("Traffic blocked", pm.blocked, pm.detected);
  out += milestone_row("Recovered", pm.recovered, pm.detected);
  auto measure = [](std::optional<Millis> d, const char* unknown) {
    return d ? format_duration(*d) : std::string(unknown);
  };
  out +=
      fmt::format("\n- Time to detect: {}\n", measure(between(pm.started, pm.detected),
                                                      "unknown (no GuardTrip event time or freeze t0 in the journal)"));
  out += fmt::format("- Time to block traffic: {}\n",
                     measure(between(pm.detected, pm.blocked), "not blocked according to the journal"));
  out += fmt::format("- Time to recover: {}\n\n",
                     measure(between(pm.detected, pm.recovered), "not recovered according to the journal"));
  return out;
}

std::string detection(const Postmortem& pm)
{
  std::string out = "## 3. Detection\n\n";
  if (!pm.triage) {
    out += "No triage decision was journaled for this incident.\n\n";
  } else {
    const auto& t = *pm.triage;
    const auto& inputs = t.contains("inputs") ? t["inputs"] : nlohmann::json::object();
    const auto& severity = t.contains("severity") ? t["severity"] : nlohmann::json::object();
    out += fmt::format("Triage decision, journal entry {}:\n\n", pm.triage_seq);
    out += header({"Field", "Value"});
    out += row({"Decision", fmt::format("{}: {}", json_text(t, "decision"), json_text(t, "action"))});
    out += row({"Severity", fmt::format("{} {}: respond within {}, escalate to {}", json_text(severity, "level"),
                                        json_text(severity, "name"), json_text(severity, "response_time"),
                                        json_text(severity, "escalation"))});
    out += row({"Risk score", json_text(inputs, "risk_score")});
    out += row({"Heartbeat misses", json_text(inputs, "heartbeat_misses")});
    out += row({"Capsule hash", json_text(inputs, "capsule_hash")});
    out += row({"Tenant ID", json_text(inputs, "tenant_id")});
    out += row({"Model", json_text(inputs, "model")});
    out += row({"Event time", json_text(inputs, "time")});
    out += row({"False-positive likelihood", json_text(t, "false_positive_likelihood")});
    out += "\nPath through the decision tree:\n\n";
    int n = 0;
    for (const auto& step : t.value("path", nlohmann::json::array())) {
      out += fmt::format("{}. {} = {}: {}\n", ++n, json_text(step, "check"), json_text(step, "value"),
                         json_text(step, "result"));
    }
    out += "\n";
  }
  out += std::string(k_marker) + "how the problem was noticed (alert, log, user report) and what would have "
                                 "caught it sooner.\n\n";
  return out;
}

std::string items(const char* title, const std::vector<std::string>& list, const char* prompt)
{
  std::string out = fmt::format("## {}\n\n", title);
  if (list.empty()) {
    return out + std::string(k_marker) + prompt + "\n\n";
  }
  for (const auto& item : list) {
    out += fmt::format("- {}\n", item);
  }
  return out + "\n";
}

std::string response(const Postmortem& pm)
{
  std::string out = "## 5. Response\n\n";
  std::size_t ok = 0;
  std::size_t skipped = 0;
  for (const auto& r : pm.timeline) {
    ok += r.outcome == "ok" ? 1U : 0U;
    skipped += r.outcome == "skipped" ? 1U : 0U;
  }
  out += fmt::format("{} journaled steps: {} ok, {} failed, {} skipped.\n\n", pm.timeline.size(), ok,
                     pm.failures.size(), skipped);
  out += "### Alias history\n\n";
  if (pm.aliases.empty()) {
    out += "No alias was moved according to the journal.\n\n";
  } else {
    out += header({"Time (UTC)", "Who", "Step", "Target", "Alias", "From", "To", "Outcome"});
    for (const auto& a : pm.aliases) {
      out += row({a.time, a.actor, a.action, a.target, a.alias, a.old_version.empty() ? "none" : a.old_version,
                  a.new_version.empty() ? "none" : a.new_version, a.outcome});
    }
    out += "\n";
  }
  out += "### Cache purge evidence\n\n";
  if (pm.purges.empty()) {
    out += "No cache purge was journaled.\n\n";
  } else {
    out += header({"Time (UTC)", "Target", "Layer", "Endpoint", "OK", "Status", "ms"});
    for (const auto& p : pm.purges) {
      out += row({p.time, p.target, p.layer, p.endpoint, p.ok ? "yes" : "NO", p.status, p.ms});
    }
    out += "\n";
  }
  out += "### Failed steps\n\n";
  if (pm.failures.empty()) {
    out += "None.\n\n";
  } else {
    for (const auto& f : pm.failures) {
      out += fmt::format("- entry {} at {}: {} on {}{}\n", f.seq, f.time, f.action, f.target,
                         f.detail.empty() ? "" : ": " + f.detail);
    }
    out += "\n";
  }
  out += std::string(k_marker) + "what was done outside credguard (workarounds, communication, who was told).\n\n";
  return out;
}

std::string action_plan(const Postmortem& pm)
{
  std::string out = "## 7. Action plan\n\n";
  if (pm.actions.empty()) {
    return out + std::string(k_marker) +
           "concrete steps against recurrence, each with an owner and a due date "
           "(credguard postmortem ID --action \"text;owner;YYYY-MM-DD\").\n";
  }
  out += header({"Action", "Owner", "Due"});
  for (const auto& a : pm.actions) {
    out += row({a.text, a.owner, a.due});
  }
  return out;
}

} // namespace

std::string render_markdown(const Postmortem& pm)
{
  // Journaled text (reasons, targets, evidence, notes) may hold control
  // sequences: none reaches a terminal that shows the document.
  return escape_controls(head(pm) + context(pm) + timeline(pm) + detection(pm) +
                             items("4. Root cause", pm.root_causes,
                                   "the technical analysis of the faults or weaknesses that let this happen "
                                   "(credguard postmortem ID --root-cause TEXT).") +
                             response(pm) +
                             items("6. Lessons learned", pm.lessons,
                                   "what worked and what did not in the response, and the improvements found "
                                   "(credguard postmortem ID --lesson TEXT).") +
                             action_plan(pm),
                         true);
}

} // namespace credguard::report
