#pragma once

#include <credguard/core/clock.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace credguard::triage {

// The next free incident ID of the UTC day of `now`: INC-YYYYMMDD-NNN, NNN
// one above the highest of that day among `existing` (IDs of other forms
// and other days are ignored), starting at 001. Past 999 it keeps counting
// (INC-20261123-1000).
std::string next_incident_id(SystemTime now, const std::vector<std::string>& existing);

// The "INC-YYYYMMDD-" prefix of the UTC day of `now`.
std::string incident_prefix(SystemTime now);

// The one rule for incident and change IDs, used by triage and every
// incident command: 1 to 100 characters, letters, digits, '.', '_', ':'
// and '-', starting with a letter or digit.
bool valid_incident_id(std::string_view id);

// Throws Error(usage) naming `flag` unless valid_incident_id(id).
void validate_incident_id(std::string_view id, std::string_view flag = "--incident");

} // namespace credguard::triage
