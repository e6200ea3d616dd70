#pragma once

#include <credguard/core/clock.hpp>
#include <credguard/core/exit_code.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace credguard::checks {

// PASS/WARN/FAIL map to Nagios OK/WARNING/CRITICAL; UNKNOWN means the check
// could not run; SKIP means it is not configured here.
enum class Status { pass, warn, fail, unknown, skip };

std::string_view to_string(Status status); // "PASS", "WARN", ...
std::optional<Status> parse_status(std::string_view text);

// Severity for aggregation: SKIP = PASS < WARN < UNKNOWN < FAIL.
int severity(Status status);
// The worse of two statuses by severity().
Status worst(Status a, Status b);
// The Nagios exit code of a status: 0 ok, 1 warning, 2 critical, 3 unknown.
ExitCode nagios_code(Status status);

// The outcome of one check, or of one item of a check that covers several
// (one filesystem of the disk check).
struct CheckResult {
  std::string id; // check id, "disk:/var" for an item
  std::string title;
  std::string kind;
  Status status = Status::unknown;
  std::optional<double> value;
  std::string value_text; // how to show the value: "72.5 %", "3 jobs"
  std::string threshold;  // "< 70 %"
  std::string action;     // what the runbook says to do when not PASS
  std::string detail;     // why: offending items, the config key to set, the error
  std::vector<std::string> tags;
  Millis duration{0};
  nlohmann::json data = nlohmann::json::object(); // kind-specific evidence
};

// A whole checklist run.
struct ChecklistReport {
  std::string name; // daily, weekly, ...
  std::string title;
  std::string source; // where the definitions came from
  SystemTime started;
  Millis duration{0};
  std::vector<CheckResult> results;

  Status overall() const;
  ExitCode exit_code() const { return nagios_code(overall()); }
  std::size_t count(Status status) const;
};

// The checklist's JSON document (schema_version 1): the machine API.
nlohmann::json to_json(const ChecklistReport& report);

} // namespace credguard::checks
