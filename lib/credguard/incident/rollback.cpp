#include <credguard/core/error.hpp>
#include <credguard/core/redact.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/incident/common_steps.hpp>
#include <credguard/incident/rollback.hpp>
#include <credguard/incident/rollback_steps.hpp>
#include <credguard/registry/model_version.hpp>

#include <fmt/format.h>

#include <algorithm>

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
    if (entry.what.outcome != "ok" || action.size() < 6 || action.substr(action.size() - 6) != ".alias") {
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

// The alias step: moves production to the target, recording old and new.
Step move_alias_step(RevokeServices& services, const RollbackRequest& request, const RollbackState& state)
{
  Step step{"alias",
            fmt::format("move production {} -> {} ({})", state.current.value_or("(unset)"), state.target, state.why)};
  step.stop_on_failure = true;
  step.intent = json{
      {"alias", k_production_alias}, {"old", state.current ? json(*state.current) : json()}, {"new", state.target}};
  step.run = [&services, request, state](const StepContext&) {
    auto& registry = services.registry;
    json evidence{
        {"alias", k_production_alias}, {"old", state.current ? json(*state.current) : json()}, {"new", state.target}};
    auto now = registry.get_alias(request.model, k_production_alias);
    if (now && now->version == state.target) {
      return StepResult{Outcome::ok, "production already points at " + state.target, evidence};
    }
    registry.set_alias(request.model, k_production_alias, state.target);
    auto after = registry.get_alias(request.model, k_production_alias);
    if (!after || after->version != state.target) {
      return StepResult{Outcome::failed, "the registry does not show the alias change", evidence};
    }
    return StepResult{Outcome::ok, fmt::format("production {} -> {}", state.current.value_or("(unset)"), state.target),
                      evidence};
  };
  return step;
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

RollbackState inspect_rollback(RollbackServices& services, const RollbackRequest& request,
                               const std::vector<journal::Entry>& journal)
{
  registry::validate_model_name(request.model);
  auto& registry = services.revoke.registry;
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
    auto target = registry.get_version(request.model, request.to);
    if (!target) {
      throw Error(ErrorKind::data, fmt::format("--to: {} has no version {}", request.model, request.to));
    }
    if (blocked(*target)) {
      throw Error(ErrorKind::data, fmt::format("--to: {}@{} is {}: production cannot move there", request.model,
                                               request.to, target->state()));
    }
    if (state.current == request.to) {
      throw Error(ErrorKind::conflict, fmt::format("production already points at {}", request.to));
    }
    state.target = request.to;
    state.why = "--to";
  } else {
    for (const auto& candidate : registry.search_all(registry::name_filter(request.model), "version_number DESC")) {
      if (candidate.version == state.current) {
        continue;
      }
      if (blocked(candidate)) {
        state.skipped.push_back(fmt::format("{} ({})", candidate.version, candidate.state()));
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
  state.served_before = std::find(state.history.begin(), state.history.end(), state.target) != state.history.end();
  return state;
}

Plan rollback_plan(RollbackServices& services, const RollbackRequest& request, const RollbackState& state)
{
  auto& revoke = services.revoke;
  Plan plan{"rollback", request.incident, request.model, request.reason, {}};
  std::string target = request.model + "@" + state.target;

  events::Notice notice;
  notice.event.id = fmt::format("{}/{}/{}", request.incident, k_alias_updated_event, target);
  notice.event.source = revoke.events.source;
  notice.event.type = k_alias_updated_event;
  notice.event.subject = request.model;
  notice.event.time = revoke.clock.now();
  notice.event.data = json{
      {"model", request.model}, {"alias", k_production_alias},  {"old", state.current ? json(*state.current) : json()},
      {"new", state.target},    {"incident", request.incident}, {"actor", request.actor}};
  notice.summary = fmt::format("{} production {} -> {} ({})", request.model, state.current.value_or("(unset)"),
                               state.target, request.incident);
  notice.severity = "warning";
  ClusterEvent cluster_event{"ModelRolledBack", notice.summary, "Normal", "Rollback"};

  plan.steps.push_back(prewarm_step(revoke, services.settings, request.model, state.target));
  plan.steps.push_back(move_alias_step(revoke, request, state));
  if (state.current) {
    // A Triton model name without the version is shared by both versions:
    // unloading the old one would unload the one just warmed.
    services.purge_previous = revoke.purge;
    auto& endpoints = services.purge_previous.endpoints;
    endpoints.erase(std::remove_if(endpoints.begin(), endpoints.end(),
                                   [&](const PurgeEndpoint& endpoint) {
                                     return endpoint.kind == "triton" &&
                                            expand(endpoint.triton_model, request.model, *state.current) ==
                                                expand(endpoint.triton_model, request.model, state.target);
                                   }),
                    endpoints.end());
    plan.steps.push_back(purge_step(revoke.http, services.purge_previous, revoke.clock, request.model, *state.current));
  }
  plan.steps.push_back(validate_step(services, request.model, state.target));
  plan.steps.push_back(notify_step(revoke.http, revoke.events, revoke.serving, revoke.cluster, notice, cluster_event));
  return plan;
}

} // namespace credguard::incident
