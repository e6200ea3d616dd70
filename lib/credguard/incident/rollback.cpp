#include <credguard/core/error.hpp>
#include <credguard/core/redact.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/incident/common_steps.hpp>
#include <credguard/incident/rollback.hpp>
#include <credguard/incident/rollback_steps.hpp>
#include <credguard/incident/verified_write.hpp>
#include <credguard/journal/names.hpp>
#include <credguard/registry/model_version.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace credguard::incident {

namespace {

using nlohmann::json;

bool blocked(const registry::ModelVersion& version)
{
  return version.state() == registry::k_state_revoked || version.state() == registry::k_state_quarantined;
}

// The production versions the journal recorded in alias changes, oldest first.
std::vector<std::string> production_history(const std::vector<journal::Entry>& entries)
{
  std::vector<std::string> history;
  auto note = [&history](const json& value) {
    if (value.is_string() && (history.empty() || history.back() != value.get<std::string>())) {
      history.push_back(value.get<std::string>());
    }
  };
  for (const auto& entry : entries) {
    const auto& action = entry.what.action;
    if (!journal::reached(entry.what.outcome) || !journal::is_step(action, journal::step::alias)) {
      continue;
    }
    const auto& evidence = entry.what.evidence;
    if (evidence.value("alias", "") == k_production_alias) {
      note(evidence.value("old", json()));
      note(evidence.value("new", json()));
    }
  }
  return history;
}

std::string version_or_unset(const std::optional<std::string>& version)
{
  return version.value_or("(unset)");
}

json alias_evidence(const RollbackState& state, const std::string& requested)
{
  return json{{"alias", k_production_alias},
              {"old", state.from ? json(*state.from) : json()},
              {"new", state.target},
              {"requested", requested}};
}

// The alias step: production must point at the target. Observes it, moves
// it where it is not (reading back after a lost answer), and never back to
// where this plan moved it from.
Step move_alias_step(Services& services, const RollbackRequest& request, const RollbackState& state)
{
  Step step{
      std::string(journal::step::alias),
      state.current == state.target
          ? fmt::format("production {}: already on {} (this rollback moved it, entry {})",
                        version_or_unset(state.current), state.target, state.rerun_of)
          : fmt::format("move production {} -> {} ({})", version_or_unset(state.current), state.target, state.why)};
  step.stop_on_failure = true;
  step.intent = alias_evidence(state, request.to);
  step.intent["forced"] = request.force;
  step.run = [&services, request, state](const StepContext& context) {
    auto& registry = services.registry;
    json evidence = alias_evidence(state, request.to);
    auto production = [&] {
      auto alias = registry.get_alias(request.model, k_production_alias);
      return alias ? std::optional<std::string>(alias->version) : std::nullopt;
    };
    auto now = production();
    if (now == state.target) {
      return StepResult{Outcome::ok, "in place (checked now): production points at " + state.target, evidence};
    }
    auto written = write_and_observe([&] { registry.set_alias(request.model, k_production_alias, state.target); },
                                     [&] { return production() == state.target; });
    std::string lost;
    if (!written.lost.empty()) {
      evidence["answer_lost"] = written.lost;
      lost = " (the registry's answer was lost; read back)";
    }
    if (!written.in_place) {
      auto after = production();
      evidence["observed"] = after ? json(*after) : json();
      return StepResult{Outcome::failed,
                        fmt::format("the registry does not show the alias change: production points at {}{}",
                                    version_or_unset(after), lost),
                        evidence};
    }
    bool drifted = context.last_reached() != nullptr;
    return StepResult{Outcome::ok,
                      drifted ? fmt::format("production had moved to {}; moved back to {}{}", version_or_unset(now),
                                            state.target, lost)
                              : fmt::format("production {} -> {}{}", version_or_unset(now), state.target, lost),
                      evidence, true};
  };
  return step;
}

// The `started` intent of this incident's rollback of `model` with the same
// requested --to, the latest first: the plan this run is a rerun of.
const journal::Entry* same_rollback(const std::vector<journal::Entry>& journal, const RollbackRequest& request)
{
  auto alias_action = journal::action(journal::command::rollback, journal::step::alias);
  for (auto it = journal.rbegin(); it != journal.rend(); ++it) {
    const auto& what = it->what;
    if (what.incident != request.incident || what.action != alias_action || what.outcome != journal::outcome::started) {
      continue;
    }
    const auto& intent = what.evidence.value("intent", json::object());
    if (intent.is_object() && intent.value("requested", json()) == json(request.to) && intent.contains("new") &&
        intent["new"].is_string()) {
      return &*it;
    }
  }
  return nullptr;
}

// The versions rollbacks under this incident moved production away from.
std::set<std::string> rolled_back_from(const std::vector<journal::Entry>& journal, const std::string& incident)
{
  auto alias_action = journal::action(journal::command::rollback, journal::step::alias);
  std::set<std::string> versions;
  for (const auto& entry : journal) {
    if (entry.what.incident == incident && entry.what.action == alias_action) {
      const auto& evidence = entry.what.outcome == journal::outcome::started
                                 ? entry.what.evidence.value("intent", json::object())
                                 : entry.what.evidence;
      if (evidence.is_object() && evidence.contains("old") && evidence["old"].is_string()) {
        versions.insert(evidence["old"].get<std::string>());
      }
    }
  }
  return versions;
}

} // namespace

RollbackSettings rollback_settings(const Config& config)
{
  RollbackSettings settings;
  settings.health_url = config.get_string("rollback.health_url").value_or("");
  if (!settings.health_url.empty() && !settings.health_url.starts_with("http://") &&
      !settings.health_url.starts_with("https://")) {
    throw Error(ErrorKind::config, fmt::format("{}: rollback.health_url \"{}\" is not http(s)",
                                               config.origin("rollback.health_url"), redact_url(settings.health_url)));
  }
  for (const char* key : {"settle", "interval", "ready_timeout"}) {
    std::string dotted = std::string("rollback.") + key;
    if (auto value = config.get_duration(dotted)) {
      if (value->count() <= 0) {
        throw Error(ErrorKind::config, fmt::format("{}: {} must be positive", config.origin(dotted), dotted));
      }
      (key[0] == 's' ? settings.settle : key[0] == 'i' ? settings.interval : settings.ready_timeout) = *value;
    }
  }
  int index = 0;
  for (const auto& view : config.get_objects("rollback.slo")) {
    ++index;
    std::string where = fmt::format("{}: rollback.slo[{}]", config.origin("rollback.slo"), index);
    SloQuery slo{view.get_string("name").value_or(fmt::format("slo-{}", index)), view.get_string("query").value_or(""),
                 0};
    auto max = view.get_number("max");
    if (slo.query.empty() || !max) {
      throw Error(ErrorKind::config, where + ": query and max are required");
    }
    slo.max = *max;
    settings.slo.push_back(std::move(slo));
  }
  return settings;
}

std::string RollbackState::plan_target(const std::string& model) const
{
  return fmt::format("{}@{}->{}", model, from.value_or("none"), target);
}

RollbackState inspect_rollback(RollbackServices& services, const RollbackRequest& request,
                               const std::vector<journal::Entry>& journal)
{
  registry::validate_model_name(request.model);
  auto& registry = services.services.registry;
  if (!registry.get_model(request.model)) {
    throw Error(ErrorKind::data,
                fmt::format("model \"{}\" is not registered in {}", request.model, registry.endpoint()));
  }
  RollbackState state;
  if (auto alias = registry.get_alias(request.model, k_production_alias)) {
    state.current = alias->version;
  }
  state.history = production_history(journal);
  if (!request.to.empty()) {
    registry::validate_version_label(request.to, "--to version");
  }
  if (const auto* earlier = same_rollback(journal, request)) {
    // A rerun: the change is the one journaled, wherever production is now.
    const auto& intent = earlier->what.evidence["intent"];
    state.from =
        intent["old"].is_string() ? std::optional<std::string>(intent["old"].get<std::string>()) : std::nullopt;
    state.target = intent["new"].get<std::string>();
    state.why = fmt::format("rerun of the rollback journaled at entry {}", earlier->seq);
    state.rerun_of = earlier->seq;
  } else if (!request.to.empty()) {
    if (state.current == request.to) {
      throw Error(ErrorKind::conflict,
                  fmt::format("production already points at {} and no rollback under {} moved it there", request.to,
                              request.incident));
    }
    state.target = request.to;
    state.why = "--to";
  } else {
    auto excluded = rolled_back_from(journal, request.incident);
    for (const auto& candidate : registry.search_all(registry::name_filter(request.model), "version_number DESC")) {
      if (candidate.version == state.current) {
        continue;
      }
      if (blocked(candidate)) {
        state.skipped.push_back(fmt::format("{} ({})", candidate.version, candidate.state()));
        continue;
      }
      if (excluded.contains(candidate.version)) {
        state.skipped.push_back(fmt::format("{} (rolled back from under {})", candidate.version, request.incident));
        continue;
      }
      if (candidate.state() == registry::k_state_approved) {
        state.target = candidate.version;
        state.why = "newest Approved, not current, not Revoked/Quarantined";
        break;
      }
    }
    if (state.target.empty()) {
      throw Error(ErrorKind::data,
                  fmt::format("{} has no Approved version to roll back to (other than {})", request.model,
                              state.current.value_or("none")),
                  "pass --to VERSION");
    }
  }
  if (state.rerun_of == 0) {
    state.from = state.current;
  }
  auto target = registry.get_version(request.model, state.target);
  if (!target) {
    throw Error(ErrorKind::data, fmt::format("--to: {} has no version {}", request.model, state.target));
  }
  if (blocked(*target)) {
    throw Error(ErrorKind::data,
                fmt::format("{}@{} is {}: production cannot move there", request.model, state.target, target->state()));
  }
  state.target_state = target->state();
  if (state.from) {
    if (auto from = registry.get_version(request.model, *state.from)) {
      state.from_state = from->state();
    }
  }
  if (!request.to.empty() && target->state() != registry::k_state_approved && !request.force) {
    throw Error(ErrorKind::data,
                fmt::format("--to: {}@{} is {}, not Approved", request.model, state.target,
                            target->state().empty() ? "untagged" : target->state()),
                "pass --force to move production to it anyway (journaled)");
  }
  state.served_before = std::find(state.history.begin(), state.history.end(), state.target) != state.history.end();
  return state;
}

Plan rollback_plan(RollbackServices& services, const RollbackRequest& request, const RollbackState& state)
{
  auto& revoke = services.services;
  Plan plan{
      std::string(journal::command::rollback), request.incident, state.plan_target(request.model), request.reason, {}};
  std::string target = request.model + "@" + state.target;

  events::Notice notice;
  notice.event.id = fmt::format("{}/{}/{}", request.incident, k_alias_updated_event, target);
  notice.event.source = revoke.events.source;
  notice.event.type = k_alias_updated_event;
  notice.event.subject = request.model;
  notice.event.time = revoke.clock.now();
  notice.event.data =
      json{{"model", request.model}, {"alias", k_production_alias},  {"old", state.from ? json(*state.from) : json()},
           {"new", state.target},    {"incident", request.incident}, {"actor", request.actor}};
  notice.summary = fmt::format("{} production {} -> {} ({})", request.model, version_or_unset(state.from), state.target,
                               request.incident);
  notice.severity = "warning";
  ClusterEvent cluster_event{"ModelRolledBack", notice.summary, "Normal", "Rollback"};

  plan.steps.push_back(prewarm_step(revoke, services.settings, request.model, state.target));
  plan.steps.push_back(move_alias_step(revoke, request, state));
  if (state.from) {
    // A Triton model name without the version is shared by both versions:
    // unloading the old one would unload the one just warmed.
    services.purge_previous = revoke.purge;
    auto& endpoints = services.purge_previous.endpoints;
    endpoints.erase(std::remove_if(endpoints.begin(), endpoints.end(),
                                   [&](const PurgeEndpoint& endpoint) {
                                     return endpoint.kind == "triton" &&
                                            expand(endpoint.triton_model, request.model, *state.from) ==
                                                expand(endpoint.triton_model, request.model, state.target);
                                   }),
                    endpoints.end());
    plan.steps.push_back(purge_step(revoke.http, services.purge_previous, revoke.clock, request.model, *state.from));
  }
  plan.steps.push_back(validate_step(services, request.model, state.target));
  plan.steps.push_back(
      notify_step(revoke.http, revoke.events, revoke.serving, revoke.cluster, notice, cluster_event, request.renotify));
  return plan;
}

} // namespace credguard::incident
