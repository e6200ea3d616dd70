#pragma once

#include <credguard/core/clock.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace credguard::triage {

// A GuardTrip event: what the incident bot reports when a guard trips, plus
// the context that changes the call. As JSON:
//   {"type": "GuardTrip", "time": "2026-11-23T08:00:00Z", "tenant_id": "t-42",
//    "capsule_hash": "9f2c...", "risk_score": 0.91, "heartbeat_misses": 4,
//    "model": "credit-score@7", "maintenance": false, "recent_deploy": false,
//    "capsules_affected": 1}
// Only risk_score is required; "tenant" and "capsule" are accepted for
// tenant_id and capsule_hash; unknown fields are ignored.
struct GuardTripEvent {
  std::optional<double> risk_score; // 0..1
  std::optional<long long> heartbeat_misses;
  std::string tenant;
  std::string capsule;
  std::string model; // MODEL@VERSION when known
  std::optional<SystemTime> time;
  bool maintenance = false;   // a maintenance window is active
  bool recent_deploy = false; // the affected workload was deployed recently
  long long capsules_affected = 1;
};

// Converts one JSON object to an event. Returns nullopt when the object has
// a "type" other than GuardTrip (not ours to triage). Throws Error(data)
// "<where>: <field>: <problem>" for a missing or malformed field.
std::optional<GuardTripEvent> event_from_json(const nlohmann::json& object, std::string_view where);

// The most of an --event document read (an event is well under 1 KiB).
constexpr std::size_t k_max_event_bytes = 1024 * 1024;

// Parses a whole JSON document holding one event (the --event file).
// Throws Error(data) naming `source` and the line of a syntax error, or the
// field at fault; also when the document is not a GuardTrip event.
GuardTripEvent parse_event_document(std::string_view text, std::string_view source);

// Parses one JSON Lines line. Returns nullopt for a non-GuardTrip event.
// Throws Error(data) "<source>:<line>: ..." when malformed.
std::optional<GuardTripEvent> parse_event_line(std::string_view text, std::string_view source, std::size_t line);

// Checks a risk score and heartbeat-miss count given on the command line
// or in an event. Throws Error(data) "<where>: <field>: ..." when out of range.
void check_inputs(const GuardTripEvent& event, std::string_view where);

// True for MODEL or MODEL@VERSION made of letters, digits, '.', '_' and '-'
// (no "..", no '/'): safe to put into a suggested command line.
bool valid_model_ref(std::string_view ref);

// The event as recorded in the journal and JSON output (inputs only).
nlohmann::json to_json(const GuardTripEvent& event);

} // namespace credguard::triage
