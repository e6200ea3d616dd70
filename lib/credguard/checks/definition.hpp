#pragma once

#include <credguard/checks/threshold.hpp>
#include <credguard/core/clock.hpp>
#include <credguard/core/config.hpp>

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

namespace credguard::checks {

// One check of a runbook, as written in runbooks/<name>.yaml.
struct CheckDefinition {
  std::string id;
  std::string title;
  std::string kind;
  std::string action; // the runbook's instruction when the check does not pass
  std::string ref;    // the runbook section it comes from
  std::vector<std::string> tags;
  std::vector<std::string> required_config; // config keys that must be set, else SKIP
  Millis timeout{10'000};
  Threshold threshold;
  YAML::Node params;    // kind-specific, with ${section.key} already substituted
  std::string location; // "runbooks/daily.yaml:12", for messages
};

// A checklist: daily, weekly, monthly, handover.
struct Runbook {
  std::string name;
  std::string title;
  std::string description;
  std::string source;
  std::vector<CheckDefinition> checks;
};

// Parses a runbook. In params, a value "${section.key}" is replaced by that
// config value (lists stay lists) and the key is added to `required_config`; when
// the key is unset the check will be skipped. Throws Error(config) naming
// source, line and key for malformed definitions and duplicate ids.
Runbook parse_runbook(std::string_view yaml, const std::string& source, const Config& config, Millis default_timeout);

// Loads runbook `name`: from `dir`/<name>.yaml when `dir` is set, else the
// embedded runbooks/<name>.yaml. Throws Error(config) when it does not exist.
Runbook load_runbook(const std::string& name, const std::string& dir, const Config& config, Millis default_timeout);

// The names of the embedded runbooks.
std::vector<std::string> embedded_runbooks();

} // namespace credguard::checks
