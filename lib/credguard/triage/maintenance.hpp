#pragma once

#include <credguard/core/clock.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace credguard::triage {

// What the maintenance-window ConfigMap says at a given time.
struct MaintenanceWindow {
  std::optional<bool> active; // nullopt: unknown (the ConfigMap could not be read or is malformed)
  std::string detail;         // one line: why, for the triage path and the journal
};

// Reads the data of the maintenance-status ConfigMap at `now`. Keys:
//   active: "true" / "false" (also yes/no, 1/0; case-insensitive)
//   from:   RFC 3339, the window starts then (optional)
//   until:  RFC 3339, the window ends then (optional)
//   reason: free text, repeated in `detail` (optional)
// A window is active when `active` is true, or absent while `until` is
// set, and now is within [from, until). active "false" is never active;
// neither key set means no window. A malformed value gives active =
// nullopt with the key and value in `detail`. `where` names the ConfigMap.
MaintenanceWindow maintenance_from(const nlohmann::json& data, SystemTime now, const std::string& where);

} // namespace credguard::triage
