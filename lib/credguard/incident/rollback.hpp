#pragma once

#include <credguard/core/config.hpp>
#include <credguard/incident/plan.hpp>
#include <credguard/incident/revoke.hpp>
#include <credguard/journal/entry.hpp>
#include <credguard/prometheus/client.hpp>

#include <optional>
#include <string>
#include <vector>

namespace credguard::incident {

// One SLO checked after a rollback: `query` ({model} and {version}
// replaced) must give a value at most `max`.
struct SloQuery {
  std::string name;
  std::string query;
  double max = 0;
};

// The rollback.* configuration.
struct RollbackSettings {
  std::string health_url; // template; must answer 2xx
  Millis settle = std::chrono::seconds(60);
  Millis interval = std::chrono::seconds(10);
  Millis ready_timeout = std::chrono::seconds(120);
  std::vector<SloQuery> slo;
};

// Reads the rollback section. Throws Error(config) naming the key for a
// health URL that is not http(s), an SLO without a query or a max, a
// non-positive settle or interval.
RollbackSettings rollback_settings(const Config& config);

// What the operator asked for.
struct RollbackRequest {
  std::string model;
  std::string to; // empty: choose
  std::string incident;
  std::string reason;
  std::string actor;
};

// Everything the rollback steps talk to. Must outlive the plan.
struct RollbackServices {
  RevokeServices& revoke;
  RollbackSettings settings;
  prometheus::Client* prometheus = nullptr; // nullptr: no SLO queries possible
  PurgeTargets purge_previous;              // filled by rollback_plan()
};

// The facts gathered before anything changes.
struct RollbackState {
  std::optional<std::string> current; // where production points now
  std::string target;
  std::string why;                  // "--to", "newest Approved ..."
  bool served_before = false;       // the journal shows production on the target before
  std::vector<std::string> skipped; // newer candidates passed over, "8 (Revoked)"
  std::vector<std::string> history; // production versions the journal recorded, oldest first
};

// Chooses the target: --to, else the newest version tagged Approved that
// is neither the current one nor Revoked/Quarantined, and cross-checks it
// with the alias changes in `journal` (entries of any *.alias step).
// Throws Error(data) for an unknown model, an unknown or blocked --to, or
// no candidate; Error(conflict) when --to is where production already is.
RollbackState inspect_rollback(RollbackServices& services, const RollbackRequest& request,
                               const std::vector<journal::Entry>& journal);

// The rollback plan: pre-warm the target in the serving layer (stops the
// plan when it fails), move the production alias (stops on failure), purge
// the caches of the version that was serving, validate health and SLOs
// over the settle period, emit alias_updated. A failed validation fails
// its step (exit 2); the alias is never moved back automatically.
Plan rollback_plan(RollbackServices& services, const RollbackRequest& request, const RollbackState& state);

// The CloudEvent type a rollback emits.
inline constexpr const char* k_alias_updated_event = "alias_updated";

// Loads `model`@`version` in every TorchServe and Triton endpoint of
// `targets` and waits until each reports it ready (polling once a second,
// up to `timeout`). Returns one JSON object per endpoint {endpoint, ok,
// detail}; never throws for an endpoint failure.
nlohmann::json prewarm(http::Transport& http, const PurgeTargets& targets, const Clock& clock, const std::string& model,
                       const std::string& version, Millis timeout);

} // namespace credguard::incident
