#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace credguard::registry {

// One registered model version as the registry reports it. Lifecycle
// states (Approved, Quarantined, Revoked) are credguard tags, not MLflow
// stages.
struct ModelVersion {
  std::string name;
  std::string version; // MLflow sends the number as a string
  std::string status;  // READY, PENDING_REGISTRATION, FAILED_REGISTRATION
  std::string current_stage;
  std::string source;
  std::string run_id;
  std::int64_t creation_timestamp = 0; // milliseconds since the epoch
  std::int64_t last_updated_timestamp = 0;
  std::vector<std::string> aliases;
  std::map<std::string, std::string> tags;

  // The tag's value, or nullopt when the version does not carry it.
  std::optional<std::string> tag(const std::string& key) const;
  // The credguard lifecycle state (tag credguard.state), or "" when unset.
  std::string state() const;
  // The version as a number; nullopt when it is not one.
  std::optional<long long> number() const;
};

// A registered model and where its aliases point.
struct RegisteredModel {
  std::string name;
  std::string description;
  std::map<std::string, std::string> aliases; // alias -> version
  std::map<std::string, std::string> tags;
};

// The tag keys credguard writes on model versions.
inline constexpr const char* k_state_tag = "credguard.state";
inline constexpr const char* k_incident_tag = "credguard.incident";
inline constexpr const char* k_revoked_at_tag = "credguard.revoked_at";
inline constexpr const char* k_reason_tag = "credguard.reason";
// Quarantine: until when (RFC 3339), and the state to return to on release.
inline constexpr const char* k_quarantine_until_tag = "credguard.quarantine_until";
inline constexpr const char* k_previous_state_tag = "credguard.previous_state";

// The lifecycle states credguard writes into k_state_tag.
inline constexpr const char* k_state_approved = "Approved";
inline constexpr const char* k_state_quarantined = "Quarantined";
inline constexpr const char* k_state_revoked = "Revoked";

// Throws Error(data) naming `what` unless `name` is a safe model name:
// 1-200 characters among letters, digits, '.', '_' and '-', not starting
// with '.' or '-', and no "..". Names end up in URLs and paths.
void validate_model_name(const std::string& name, const std::string& what = "model name");

// Throws Error(data) unless `version` is a safe version label (same
// characters as a model name, at most 64).
void validate_version_label(const std::string& version, const std::string& what = "version");

} // namespace credguard::registry
