#pragma once

#include <credguard/core/config.hpp>
#include <credguard/incident/plan.hpp>
#include <credguard/incident/revoke.hpp>
#include <credguard/incident/services.hpp>
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
  bool force = false;    // --force: --to a version that is not Approved
  bool renotify = false; // --renotify: send alias_updated again
};

// Everything the rollback steps talk to. Must outlive the plan.
struct RollbackServices {
  Services& services;
  RollbackSettings settings;
  PurgeTargets purge_previous; // filled by rollback_plan()
};

// The facts gathered before anything changes.
struct RollbackState {
  std::optional<std::string> current; // where production points now
  std::optional<std::string> from;    // where this plan moves production from (its first run's current)
  std::string target;
  std::string why;                  // "--to", "newest Approved ..."
  std::string target_state;         // the target's credguard.state
  std::string from_state;           // the from version's credguard.state
  bool served_before = false;       // the journal shows production on the target before
  std::int64_t rerun_of = 0;        // the first entry of the same rollback run before; 0: a new plan
  std::vector<std::string> skipped; // candidates passed over, "8 (Revoked)", "6 (rolled back from under INC-2)"
  std::vector<std::string> history; // production versions the journal recorded, oldest first

  // The plan's journal target: the change, MODEL@FROM->TO.
  std::string plan_target(const std::string& model) const;
};

// A plan's identity is the change: incident + MODEL + the requested --to
// (empty: chosen). When `journal` (entries of the model, any incident) holds
// a rollback of the same identity, this is its rerun: the same from and
// target, whatever production points at now. Otherwise chooses the target:
// --to, else the newest version tagged Approved that is not the current
// one, not Revoked/Quarantined, and not a version a rollback under this
// incident moved production away from; and cross-checks it with the alias
// changes of the journal (entries of any *.alias step).
// Throws Error(data) for an unknown model, an unknown or blocked --to, a
// --to that is not Approved without request.force, or no candidate;
// Error(conflict) when --to is where production already is and no rollback
// of this incident moved it there.
RollbackState inspect_rollback(RollbackServices& services, const RollbackRequest& request,
                               const std::vector<journal::Entry>& journal);

// The rollback plan: pre-warm the target in the serving layer (stops the
// plan when it fails), move the production alias to the target where it
// is not there (stops on failure; read back after a lost answer), purge the
// caches of the version that was serving, validate health and SLOs over
// the settle period, emit alias_updated. A failed validation fails its
// step (exit 2); the alias is never moved back automatically, and never to
// where this plan moved it from.
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
