#pragma once

#include <nlohmann/json.hpp>

#include <string_view>

namespace credguard::triage {

// Incident severity levels of the operations runbook (section 6.1).
enum class Severity { p1, p2, p3, p4 };

// What a severity means and who must answer, how fast.
struct SeverityInfo {
  std::string_view level;         // "P1"
  std::string_view name;          // "critical"
  std::string_view description;   // "platform down"
  std::string_view response_time; // "15 minutes"
  std::string_view escalation;    // "CTO immediately"
};

// The runbook's row for `severity`.
const SeverityInfo& info(Severity severity);

// Parses "P1".."P4" (case-insensitive); nullopt otherwise.
std::optional<Severity> parse_severity(std::string_view text);

// {"level", "name", "description", "response_time", "escalation"}.
nlohmann::json to_json(Severity severity);

} // namespace credguard::triage
