#pragma once

#include <credguard/core/clock.hpp>
#include <credguard/events/notifier.hpp>
#include <credguard/http/transport.hpp>
#include <credguard/incident/cluster.hpp>
#include <credguard/incident/denylist.hpp>
#include <credguard/incident/plan.hpp>
#include <credguard/incident/purge.hpp>
#include <credguard/registry/registry.hpp>

#include <optional>
#include <string>

namespace credguard::incident {

// What the operator asked for.
struct RevokeRequest {
  std::string model;
  std::string version;
  std::string incident;
  std::string reason;
  bool planned = false; // --planned: production must move to another version, never be left without one
  std::string to;       // --to: the version production moves to
  std::string actor;
};

// Everything the revoke steps talk to. Must outlive the plan.
struct RevokeServices {
  registry::ModelRegistry& registry;
  http::Transport& http;
  const Clock& clock;
  events::EventsOptions events;
  PurgeTargets purge;
  ServingOptions serving;
  ServingCluster* cluster = nullptr; // nullptr: Kubernetes is not configured
};

// The facts gathered before anything changes.
struct RevokeState {
  registry::ModelVersion version;
  std::optional<std::string> production;  // where the production alias points now
  std::optional<std::string> replacement; // where it will point; nullopt: the alias is removed
  std::string replacement_why;            // "--to", "newest Approved below 7", ...
};

// The alias serving follows.
inline constexpr const char* k_production_alias = "production";

// Reads the registry, changing nothing. Throws Error(data) for an unknown
// model or version, an unknown --to version or one that is Revoked or
// Quarantined; Error(conflict) for a planned revocation that would leave
// production without a version; Error(unavailable/auth) when the registry
// cannot be read.
RevokeState inspect_revoke(RevokeServices& services, const RevokeRequest& request);

// The revocation plan: mark, events, denylist, purge, alias, freeze (the
// runner adds the summary). Each step checks what is already done and only
// does the rest, so a rerun under the same incident repeats nothing.
Plan revoke_plan(RevokeServices& services, const RevokeRequest& request, const RevokeState& state);

// The CloudEvent type a revocation emits.
inline constexpr const char* k_revoked_event = "model.revoked";

// When traffic was blocked: by the denylist, else by the alias change.
struct TrafficBlock {
  std::string by;       // "denylist" or "alias"
  Millis after{0};      // since the start of this run
  bool earlier = false; // done in an earlier run of the same incident
};

// How traffic was blocked, or nullopt when neither step is done.
std::optional<TrafficBlock> traffic_blocked(const PlanReport& report);

} // namespace credguard::incident
