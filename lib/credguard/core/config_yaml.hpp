#pragma once

#include <credguard/core/config.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace credguard::config {

// Parses and validates configuration YAML against schema(). Throws
// Error(config) as "SOURCE:LINE:COL: KEY: problem" for malformed YAML,
// unknown sections or keys (with a suggestion) and values of the wrong type.
ConfigValues parse_yaml(std::string_view yaml, const std::string& source);

// Applies CREDGUARD_<SECTION>_<KEY> (and CREDGUARD_JOURNAL for
// journal.path) on top of `values`. Throws Error(config) naming the
// variable when its value has the wrong type.
void apply_environment(ConfigValues& values, const Env& env);

// Registers secrets written inline (not env:/file: references) with the
// redactor, so they are scrubbed even if never used.
void register_inline_secrets(const ConfigValues& values, Redactor& redactor);

// true/false/yes/no/on/off/1/0, case-insensitive.
std::optional<bool> parse_bool(std::string_view text);

// Returns an error description when `text` is not a valid `type` scalar.
std::optional<std::string> check_scalar(Type type, std::string_view text);

} // namespace credguard::config
