#pragma once

#include <credguard/checks/definition.hpp>

#include <optional>
#include <string>
#include <vector>

namespace credguard::checks {

// Typed access to a check's params. Each throws Error(config) naming the
// runbook location, the check and the key when the value is malformed (or
// missing, for the required_ variants).

[[noreturn]] void param_error(const CheckDefinition& def, std::string_view key, std::string_view problem);

// A scalar's text; nullopt when absent or null.
std::optional<std::string> param_text(const CheckDefinition& def, const char* key);
std::string required_text(const CheckDefinition& def, const char* key);
// A duration such as 90d or 1h.
Millis param_duration(const CheckDefinition& def, const char* key, Millis fallback);
// A number; `minimum` is the smallest value accepted.
double param_number(const CheckDefinition& def, const char* key, double fallback, double minimum = 0);
// A list of scalars, or a single scalar as a one-item list.
std::vector<std::string> param_list(const CheckDefinition& def, const char* key);
// One of `choices`.
std::string param_choice(const CheckDefinition& def, const char* key, const std::vector<std::string>& choices);

} // namespace credguard::checks
