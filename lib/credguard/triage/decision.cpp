#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/triage/decision.hpp>

#include <fmt/format.h>

namespace credguard::triage {

namespace {

std::string number(double value)
{
  return fmt::format("{}", value);
}

std::string heartbeat_band(const GuardTripEvent& event, const Thresholds& t)
{
  if (!event.heartbeat_misses) {
    return "unknown";
  }
  auto misses = *event.heartbeat_misses;
  if (misses == 0) {
    return "none";
  }
  if (misses < t.heartbeat_suspicious_from) {
    return "network";
  }
  return misses < t.heartbeat_compromise_from ? "suspicious" : "compromise";
}

// The rows of the risk-score table.
void set_risk_band(Verdict& v, double risk, const Thresholds& t)
{
  if (risk < t.risk_monitor_from) {
    v.risk_band = fmt::format("0-{}", number(t.risk_monitor_from));
    v.band_action = "investigate";
    v.fp_likelihood = "high";
  } else if (risk < t.risk_false_positive_below) {
    v.risk_band = fmt::format("{}-{}", number(t.risk_monitor_from), number(t.risk_false_positive_below));
    v.band_action = "monitor";
    v.fp_likelihood = "medium";
  } else if (risk < t.risk_rollback_from) {
    v.risk_band = fmt::format("{}-{}", number(t.risk_false_positive_below), number(t.risk_rollback_from));
    v.band_action = "investigate";
    v.fp_likelihood = "low";
  } else {
    v.risk_band = fmt::format("{}-1", number(t.risk_rollback_from));
    v.band_action = "proceed with rollback";
    v.fp_likelihood = "very low";
  }
}

// Context steps that are set, in a fixed order: what may explain
// suspicious heartbeat misses without a compromise.
std::vector<Step> context_steps(const GuardTripEvent& e, const Thresholds& t, std::string_view effect)
{
  std::vector<Step> steps;
  if (e.maintenance) {
    steps.push_back({"maintenance window", "active", std::string(effect)});
  }
  if (e.recent_deploy) {
    steps.push_back({"recent deploy", "yes", std::string(effect)});
  }
  if (e.capsules_affected >= t.several_capsules) {
    steps.push_back({"capsules affected", std::to_string(e.capsules_affected),
                     fmt::format("several at once (>= {}): {}", t.several_capsules, effect)});
  }
  return steps;
}

void low_band(Verdict& v, double risk, const Thresholds& t)
{
  const auto& e = v.event;
  v.risk_level = "low";
  v.path.push_back({"risk score", number(risk),
                    fmt::format("low ({} < {}): false positive", number(risk), number(t.risk_false_positive_below))});
  if (e.heartbeat_misses && *e.heartbeat_misses >= t.heartbeat_compromise_from) {
    v.path.push_back({"heartbeat misses", std::to_string(*e.heartbeat_misses),
                      fmt::format("compromise band ({} >= {}) contradicts the low score: monitor", *e.heartbeat_misses,
                                  t.heartbeat_compromise_from)});
    v.decision = Decision::monitor;
    v.action = "not confirmed either way: watch the capsule, triage again if the score or the misses rise";
    v.severity = Severity::p3;
    return;
  }
  v.decision = Decision::false_positive;
  v.action = risk < t.risk_monitor_from ? "find why the guard tripped, adjust thresholds, update monitoring rules"
                                        : "adjust thresholds, update monitoring rules, keep monitoring the capsule";
  v.severity = Severity::p4;
}

void high_band(Verdict& v, double risk, const Thresholds& t)
{
  const auto& e = v.event;
  v.risk_level = "high";
  v.path.push_back({"risk score", number(risk),
                    fmt::format("high ({} >= {}): legitimate incident", number(risk), number(t.risk_rollback_from))});
  for (auto& step : context_steps(e, t, "does not lower a high risk score")) {
    v.path.push_back(std::move(step));
  }
  bool widespread = e.capsules_affected >= t.several_capsules;
  bool compromise = e.heartbeat_misses && *e.heartbeat_misses >= t.heartbeat_compromise_from;
  if (compromise) {
    v.path.push_back({"heartbeat misses", std::to_string(*e.heartbeat_misses),
                      fmt::format("compromise band (>= {}): severity P1", t.heartbeat_compromise_from)});
  }
  v.decision = Decision::legitimate;
  v.action = "proceed with rollback";
  v.severity = widespread || compromise ? Severity::p1 : Severity::p2;
}

void medium_band(Verdict& v, double risk, const Thresholds& t)
{
  const auto& e = v.event;
  v.risk_level = "medium";
  v.path.push_back({"risk score", number(risk),
                    fmt::format("medium ({} <= {} < {}): look at heartbeat misses", number(t.risk_false_positive_below),
                                number(risk), number(t.risk_rollback_from))});
  if (!e.heartbeat_misses) {
    v.path.push_back({"heartbeat misses", "unknown", "needed to decide this band: investigate"});
    v.decision = Decision::investigate;
    v.action = "collect the heartbeat misses (attestor, sidecar watcher) and triage again";
    v.severity = Severity::p3;
    return;
  }
  auto misses = *e.heartbeat_misses;
  auto value = std::to_string(misses);
  if (misses < t.heartbeat_suspicious_from) {
    v.path.push_back({"heartbeat misses", value,
                      fmt::format("{} < {}: network issue, false positive", misses, t.heartbeat_suspicious_from)});
    v.decision = Decision::false_positive;
    v.action = "network issue: check connectivity to the capsule, update monitoring rules";
    v.severity = Severity::p4;
    return;
  }
  if (misses >= t.heartbeat_compromise_from) {
    v.path.push_back({"heartbeat misses", value,
                      fmt::format("compromise band ({} >= {}): legitimate incident, no context lowers it", misses,
                                  t.heartbeat_compromise_from)});
    v.decision = Decision::legitimate;
    v.action = "proceed with rollback";
    v.severity = Severity::p1;
    return;
  }
  v.path.push_back({"heartbeat misses", value,
                    fmt::format("suspicious ({} >= {}): legitimate unless the context explains it", misses,
                                t.heartbeat_suspicious_from)});
  auto context = context_steps(e, t, "may explain the misses: investigate before acting");
  if (!context.empty()) {
    for (auto& step : context) {
      v.path.push_back(std::move(step));
    }
    v.decision = Decision::investigate;
    v.action = "confirm whether the context explains the misses before rolling back";
    v.severity = Severity::p3;
    return;
  }
  v.path.push_back({"context", "none", "no maintenance window, recent deploy or shared cause: legitimate"});
  v.decision = Decision::legitimate;
  v.action = "proceed with rollback";
  v.severity = Severity::p2;
}

// The event's model and version: "credit-score@7" or "credit-score".
std::pair<std::string, std::string> model_and_version(const GuardTripEvent& e)
{
  auto at = e.model.find('@');
  if (at == std::string::npos) {
    return {e.model, ""};
  }
  return {e.model.substr(0, at), e.model.substr(at + 1)};
}

NextStep retriage(const Verdict& v, std::string_view incident)
{
  const auto& e = v.event;
  std::vector<std::string> words = {
      "credguard",          "triage",
      "--incident",         std::string(incident),
      "--risk-score",       number(e.risk_score.value_or(0)),
      "--heartbeat-misses", e.heartbeat_misses ? std::to_string(*e.heartbeat_misses) : "N"};
  for (auto [flag, value] : {std::pair<const char*, const std::string*>{"--tenant", &e.tenant},
                             {"--capsule", &e.capsule},
                             {"--model", &e.model}}) {
    if (!value->empty()) {
      words.insert(words.end(), {flag, *value});
    }
  }
  return NextStep{"", shell_command(words), e.heartbeat_misses.has_value()};
}

} // namespace

std::string_view to_string(Decision decision)
{
  switch (decision) {
  case Decision::false_positive: return "false_positive";
  case Decision::monitor: return "monitor";
  case Decision::investigate: return "investigate";
  case Decision::legitimate: return "legitimate";
  }
  return "investigate";
}

std::string_view title(Decision decision)
{
  switch (decision) {
  case Decision::false_positive: return "False positive";
  case Decision::monitor: return "Monitor";
  case Decision::investigate: return "Investigate";
  case Decision::legitimate: return "Legitimate incident";
  }
  return "Investigate";
}

std::optional<Decision> parse_decision(std::string_view text)
{
  for (auto d : {Decision::false_positive, Decision::monitor, Decision::investigate, Decision::legitimate}) {
    if (text == to_string(d)) {
      return d;
    }
  }
  return std::nullopt;
}

ExitCode exit_code(Decision decision)
{
  switch (decision) {
  case Decision::false_positive: return ExitCode::ok;
  case Decision::monitor:
  case Decision::investigate: return ExitCode::warning;
  case Decision::legitimate: return ExitCode::critical;
  }
  return ExitCode::warning;
}

Verdict decide(GuardTripEvent event, const Thresholds& thresholds)
{
  if (!event.risk_score) {
    throw Error(ErrorKind::usage, "a risk score is required to triage a guard trip");
  }
  Verdict v;
  v.event = std::move(event);
  double risk = *v.event.risk_score;
  set_risk_band(v, risk, thresholds);
  v.heartbeat_band = heartbeat_band(v.event, thresholds);
  if (risk < thresholds.risk_false_positive_below) {
    low_band(v, risk, thresholds);
  } else if (risk >= thresholds.risk_rollback_from) {
    high_band(v, risk, thresholds);
  } else {
    medium_band(v, risk, thresholds);
  }
  return v;
}

std::vector<NextStep> next_steps(const Verdict& v, std::string_view incident)
{
  const auto& e = v.event;
  auto [model, version] = model_and_version(e);
  std::string inc(incident);
  std::string reason = fmt::format("guard trip: risk {}, {} heartbeat misses", number(e.risk_score.value_or(0)),
                                   e.heartbeat_misses ? std::to_string(*e.heartbeat_misses) : "unknown");
  // Unknown parts stay placeholders, and the step says it is incomplete.
  NextStep rollback{
      "",
      shell_command({"credguard", "rollback", model.empty() ? "MODEL" : model, "--incident", inc, "--reason", reason}),
      !model.empty()};
  NextStep quarantine{"",
                      shell_command({"credguard", "quarantine", model.empty() ? "MODEL" : model,
                                     version.empty() ? "VERSION" : version, "--incident", inc, "--reason", reason}),
                      !model.empty() && !version.empty()};
  auto when = [](std::string text, NextStep step) {
    step.when = std::move(text);
    return step;
  };
  switch (v.decision) {
  case Decision::legitimate:
    return {when("now: move production back to the last healthy version", rollback),
            when("then: hold the bad version for forensics", quarantine),
            when("after recovery", NextStep{"", shell_command({"credguard", "postmortem", inc}), true})};
  case Decision::investigate:
    if (!e.heartbeat_misses) {
      return {when("once the heartbeat misses are known", retriage(v, incident)), when("if it is confirmed", rollback)};
    }
    return {when("to hold the version while you confirm (blocks serving)", quarantine),
            when("if the context does not explain the misses", rollback)};
  case Decision::monitor: return {when("if the risk score or the misses rise", retriage(v, incident))};
  case Decision::false_positive:
    if (v.risk_level == "medium") {
      return {{"check the network path to the capsule", "kubectl get networkpolicies -A; kubectl get endpoints -A"}};
    }
    return {{"if false positives repeat, raise the incident bot's threshold",
             "kubectl -n monitoring set env deployment/incident-bot RISK_SCORE_THRESHOLD=0.85"}};
  }
  return {};
}

nlohmann::json to_json(const Verdict& v)
{
  nlohmann::json path = nlohmann::json::array();
  for (const auto& step : v.path) {
    path.push_back({{"check", step.check}, {"value", step.value}, {"result", step.result}});
  }
  return {{"decision", to_string(v.decision)},
          {"title", title(v.decision)},
          {"action", v.action},
          {"exit_code", to_int(exit_code(v.decision))},
          {"severity", to_json(v.severity)},
          {"false_positive_likelihood", v.fp_likelihood},
          {"risk_level", v.risk_level},
          {"risk_band", {{"range", v.risk_band}, {"action", v.band_action}}},
          {"heartbeat_band", v.heartbeat_band},
          {"path", path},
          {"inputs", to_json(v.event)}};
}

nlohmann::json to_json(const std::vector<NextStep>& steps)
{
  nlohmann::json out = nlohmann::json::array();
  for (const auto& step : steps) {
    out.push_back({{"when", step.when}, {"run", step.run}, {"complete", step.complete}});
  }
  return out;
}

} // namespace credguard::triage
