#pragma once

#include <credguard/incident/plan.hpp>
#include <credguard/incident/services.hpp>
#include <credguard/registry/model_version.hpp>

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
  bool renotify = false; // --renotify: send the notifications again
  bool forensic = false; // --forensic: a WORM copy of the version's artifacts and evidence
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
RevokeState inspect_revoke(Services& services, const RevokeRequest& request);

// The revocation plan: mark, events, denylist, purge, alias, freeze,
// (with request.forensic) the forensic copy, and the proof that the version
// is blocked everywhere; the runner adds the summary. Each step observes and
// acts only where the world differs, so a rerun under the same incident
// repairs what drifted and repeats nothing else.
Plan revoke_plan(Services& services, const RevokeRequest& request, const RevokeState& state);

// The CloudEvent type a revocation emits.
inline constexpr const char* k_revoked_event = "model.revoked";

} // namespace credguard::incident
