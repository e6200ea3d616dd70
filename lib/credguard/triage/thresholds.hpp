#pragma once

#include <credguard/core/clock.hpp>
#include <credguard/core/config.hpp>

#include <nlohmann/json.hpp>

namespace credguard::triage {

// The numbers of the guard-trip decision tree. A value equal to a band edge
// belongs to the band above it: a risk score of exactly 0.5 is medium, 0.8 is
// high (roll back), 0.3 is 'monitor'; exactly 3 heartbeat misses is
// suspicious (legitimate in the medium band), exactly 5 is compromise.
struct Thresholds {
  double risk_monitor_from = 0.3;         // table: [0, 0.3) investigate, [0.3, 0.5) monitor
  double risk_false_positive_below = 0.5; // tree: below -> false positive
  double risk_rollback_from = 0.8;        // tree: at or above -> legitimate, roll back
  long long heartbeat_suspicious_from = 3;
  long long heartbeat_compromise_from = 5;
  long long several_capsules = 2;
  Millis capsule_window{5 * 60 * 1000};
};

// Reads the triage.* keys over the defaults. Throws Error(config) naming the
// key and where it was set when the values are out of [0, 1] or out of
// order (monitor <= false positive <= rollback; suspicious <= compromise).
Thresholds thresholds_from(const Config& config);

// Throws Error(config) naming the key when `t` is inconsistent (the same
// rules as thresholds_from, without the file position).
void validate(const Thresholds& t);

// The thresholds as recorded in the journal and JSON output.
nlohmann::json to_json(const Thresholds& t);

} // namespace credguard::triage
