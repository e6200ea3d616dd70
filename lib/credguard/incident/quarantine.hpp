#pragma once

#include <credguard/incident/forensic.hpp>
#include <credguard/incident/plan.hpp>
#include <credguard/incident/revoke.hpp>
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
};

// Everything the quarantine steps talk to: the revoke services (registry,
// events, denylist, purge, cluster) and the forensic store. Must outlive
// the plan.
struct QuarantineServices {
  RevokeServices& revoke;
  ForensicStore forensic;
  std::function<std::string()> evidence_log; // the incident's journal entries as JSON lines
  std::filesystem::path scratch;             // downloads of the forensic copy
};

// The CloudEvent type a quarantine emits.
inline constexpr const char* k_quarantined_event = "model.quarantined";

// Reads the registry, changing nothing: the version, where production
// points and where it would move (as for a revocation). Throws
// Error(data) for an unknown model or version, Error(conflict) for a
// version that is Revoked, or Quarantined under another incident.
RevokeState inspect_quarantine(QuarantineServices& services, const QuarantineRequest& request);

// The quarantine plan: mark Quarantined (deadline, previous state), emit
// model.quarantined, denylist, purge, move production off the version,
// forensic copy under Object Lock. Each step is idempotent.
Plan quarantine_plan(QuarantineServices& services, const QuarantineRequest& request, const RevokeState& state);

// One quarantined version, from its registry tags.
struct QuarantineEntry {
  std::string model;
  std::string version;
  std::string incident;
  std::string reason;
  std::string previous_state;
  std::optional<SystemTime> until; // nullopt: the tag is missing or unreadable
  std::string until_text;

  // Whole days left until the deadline (negative once past), or nullopt.
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
// previous one (the quarantine tags removed), the version leaves the
// denylists, and `report` (the investigation's conclusion) is journaled
// with its SHA-256. The production alias is not moved back.
Plan release_plan(RevokeServices& services, const QuarantineEntry& entry, const std::string& report_name,
                  const std::string& report);

} // namespace credguard::incident
