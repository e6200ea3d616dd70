#pragma once

#include <credguard/incident/forensic.hpp>
#include <credguard/incident/plan.hpp>
#include <credguard/incident/revoke.hpp>
#include <credguard/incident/services.hpp>
#include <credguard/registry/registry.hpp>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace credguard::incident {

// What the operator asked for.
struct QuarantineRequest {
  std::string model;
  std::string version;
  std::string incident;
  std::string reason;
  Millis ttl = std::chrono::hours(24 * 14);
  std::string actor;
  bool renotify = false;
};

// The forensic copy of model@version under `incident`: its artifacts at
// `source`, a release manifest read from the registry when the step runs,
// and the incident's journal (services.incident_log).
ForensicRequest forensic_request(Services& services, const std::string& model, const std::string& version,
                                 const std::string& incident, const std::string& reason, const std::string& source);

// The CloudEvent type a quarantine emits.
inline constexpr const char* k_quarantined_event = "model.quarantined";

// Reads the registry, changing nothing: the version, where production
// points and where it would move (as for a revocation). Throws
// Error(data) for an unknown model or version, Error(conflict) for a
// version that is Revoked, or Quarantined under another incident.
RevokeState inspect_quarantine(Services& services, const QuarantineRequest& request);

// The quarantine plan: mark Quarantined (deadline, previous state), emit
// model.quarantined, denylist, purge, move production off the version,
// forensic copy under Object Lock. Each step is idempotent.
Plan quarantine_plan(Services& services, const QuarantineRequest& request, const RevokeState& state);

// One quarantined version, from its registry tags.
struct QuarantineEntry {
  std::string model;
  std::string version;
  std::string incident;
  std::string reason;
  std::string previous_state;
  std::optional<SystemTime> until; // nullopt: the tag is missing or unreadable
  std::string until_text;

  // Whole days left until the deadline, rounded up (a fresh 7d quarantine
  // has 7), 0 once past; nullopt when the deadline is unknown.
  std::optional<long long> days_left(SystemTime now) const;
  bool expired(SystemTime now) const { return until && *until <= now; }
};

// Every version tagged Quarantined, of `model` or (empty) of every model,
// ordered by deadline. Throws as ModelRegistry does.
std::vector<QuarantineEntry> list_quarantined(registry::ModelRegistry& registry, const std::string& model);

// The entry for model@version. Throws Error(data) when the version is
// unknown or not Quarantined.
QuarantineEntry quarantined_version(registry::ModelRegistry& registry, const std::string& model,
                                    const std::string& version);

// The release plan for a false positive: the state goes back to the
// previous one (every quarantine tag removed: deadline, previous state,
// incident, reason), the version leaves the denylists, and `report` (the
// investigation's conclusion) is journaled with its SHA-256. The
// production alias is not moved back.
Plan release_plan(Services& services, const QuarantineEntry& entry, const std::string& report_name,
                  const std::string& report);

} // namespace credguard::incident
