#include <credguard/core/error.hpp>
#include <credguard/core/time_format.hpp>
#include <credguard/incident/common_steps.hpp>
#include <credguard/incident/quarantine.hpp>
#include <credguard/incident/revoke.hpp>
#include <credguard/incident/revoke_steps.hpp>
#include <credguard/incident/status.hpp>
#include <credguard/registry/model_version.hpp>

#include <fmt/format.h>

namespace credguard::incident {

namespace {

using nlohmann::json;

bool blocked_state(const registry::ModelVersion& version)
{
  return version.state() == registry::k_state_revoked || version.state() == registry::k_state_quarantined;
}

// The newest version below `below` tagged Approved, searching by version
// number, newest first.
std::optional<std::string> newest_approved_below(registry::ModelRegistry& registry, const std::string& model,
                                                 long long below)
{
  for (const auto& candidate : registry.search_all(registry::name_filter(model), "version_number DESC")) {
    auto number = candidate.number();
    if (number && *number < below && candidate.state() == registry::k_state_approved) {
      return candidate.version;
    }
  }
  return std::nullopt;
}

} // namespace

RevokeState inspect_revoke(Services& services, const RevokeRequest& request)
{
  registry::validate_model_name(request.model);
  registry::validate_version_label(request.version);
  auto& registry = services.registry;
  if (!registry.get_model(request.model)) {
    throw Error(ErrorKind::data,
                fmt::format("model \"{}\" is not registered in {}", request.model, registry.endpoint()),
                "check the name: credguard changes nothing for an unknown model");
  }
  auto version = registry.get_version(request.model, request.version);
  if (!version) {
    throw Error(ErrorKind::data,
                fmt::format("{} has no version {} in {}", request.model, request.version, registry.endpoint()),
                "check the version number: credguard changes nothing for an unknown version");
  }
  RevokeState state;
  state.version = *version;
  if (auto alias = registry.get_alias(request.model, k_production_alias)) {
    state.production = alias->version;
  }
  if (!request.to.empty()) {
    registry::validate_version_label(request.to, "--to version");
    auto target = request.to == request.version ? std::nullopt : registry.get_version(request.model, request.to);
    if (!target) {
      throw Error(ErrorKind::data, request.to == request.version
                                       ? fmt::format("--to {} is the version being revoked", request.to)
                                       : fmt::format("--to: {} has no version {}", request.model, request.to));
    }
    if (blocked_state(*target)) {
      throw Error(ErrorKind::data, fmt::format("--to: {}@{} is {}: production cannot move there", request.model,
                                               request.to, target->state()));
    }
    state.replacement = request.to;
    state.replacement_why = "--to";
  } else if (auto number = version->number()) {
    state.replacement = newest_approved_below(registry, request.model, *number);
    state.replacement_why = state.replacement ? fmt::format("newest Approved below {}", request.version)
                                              : fmt::format("no Approved version below {}", request.version);
  }
  if (request.planned && state.production == request.version && !state.replacement) {
    throw Error(ErrorKind::conflict,
                fmt::format("planned revocation of {}@{}: production points at it and {}", request.model,
                            request.version, state.replacement_why),
                "pass --to VERSION, or use --emergency to remove the production alias");
  }
  return state;
}

Plan revoke_plan(Services& services, const RevokeRequest& request, const RevokeState& state)
{
  std::string target = request.model + "@" + request.version;
  Plan plan{"revoke", request.incident, target, request.reason, {}};
  std::string mode = request.planned ? "planned" : "emergency";
  SystemTime now = services.clock.now();

  events::Notice notice;
  // The same id on every run of this incident: receivers deduplicate.
  notice.event.id = fmt::format("{}/{}/{}", request.incident, k_revoked_event, target);
  notice.event.source = services.events.source;
  notice.event.type = k_revoked_event;
  notice.event.subject = target;
  notice.event.time = now;
  notice.event.data = json{{"model", request.model},
                           {"version", request.version},
                           {"incident", request.incident},
                           {"reason", request.reason},
                           {"mode", mode},
                           {"actor", request.actor}};
  notice.summary = fmt::format("{} revoked ({}, {}): {}", target, request.incident, mode, request.reason);
  notice.severity = request.planned ? "warning" : "critical";
  ClusterEvent cluster_event{"ModelRevoked",
                             fmt::format("{} revoked under {}: {}", target, request.incident, request.reason),
                             "Warning", "Revoke"};
  DenylistEntry entry{request.model, request.version, request.incident, request.reason, now};

  plan.steps.push_back(mark_step(services, request, state));
  plan.steps.push_back(notify_step(services.http, services.events, services.serving, services.cluster, notice,
                                   cluster_event, request.renotify));
  plan.steps.push_back(denylist_step(services.http, services.serving, services.cluster, services.clock, entry));
  plan.steps.push_back(purge_step(services.http, services.purge, services.clock, request.model, request.version));
  plan.steps.push_back(alias_step(services, request, state));
  plan.steps.push_back(freeze_step(services.serving, services.cluster, request.model));
  if (request.forensic) {
    plan.steps.push_back(
        forensic_step(services.forensic, forensic_request(services, request.model, request.version, request.incident,
                                                          request.reason, state.version.source)));
  }
  plan.steps.push_back(proof_step(services, request.model, request.version));
  return plan;
}

} // namespace credguard::incident
