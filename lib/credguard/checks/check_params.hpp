#pragma once

#include <credguard/checks/definition.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Reading a check's params: every problem is an Error(config) naming the
// runbook location, the check and the key ("rb.yaml:12: tls.params.hosts: ...").
namespace credguard::checks::params {

[[noreturn]] void fail(const CheckDefinition& def, std::string_view key, std::string_view problem);

// A scalar as text; "" when absent (an error when `required`).
std::string text(const CheckDefinition& def, const char* key, bool required = false);
// A whole number within [low, high]; nullopt when absent.
std::optional<long long> integer(const CheckDefinition& def, const char* key, long long low, long long high);
// A duration (15m, 500ms); nullopt when absent. Zero only when allowed.
std::optional<Millis> duration(const CheckDefinition& def, const char* key, bool zero_allowed = false);
// true/false; `fallback` when absent.
bool boolean(const CheckDefinition& def, const char* key, bool fallback);
// A list of scalars (a scalar is split on commas); empty when absent.
std::vector<std::string> list(const CheckDefinition& def, const char* key);

} // namespace credguard::checks::params
