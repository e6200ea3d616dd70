#pragma once

#include <credguard/core/clock.hpp>
#include <credguard/core/config_schema.hpp>
#include <credguard/core/env.hpp>
#include <credguard/core/redact.hpp>
#include <credguard/core/secret.hpp>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace credguard {

// Where a configured value came from, for error messages.
struct ConfigOrigin {
  std::string file; // config file path, or "$CREDGUARD_X" for the environment
  int line = 0;     // 1-based; 0 when not from a file

  std::string describe() const;
};

// One validated value. Scalars keep their text; lists keep their items.
struct ConfigValue {
  config::Type type = config::Type::string;
  std::string text;
  std::vector<std::string> items;
  std::vector<std::map<std::string, ConfigValue, std::less<>>> objects;
  ConfigOrigin origin;
};

using ConfigValues = std::map<std::string, ConfigValue, std::less<>>;

// Typed, read-only access to validated values. Getters return nullopt when
// the key is not set; values were type-checked when loaded.
class ConfigView {
public:
  ConfigView(const ConfigValues& values, const Env& env, Redactor& redactor, std::string prefix);

  bool has(std::string_view key) const;
  std::optional<std::string> get_string(std::string_view key) const;
  std::optional<long long> get_int(std::string_view key) const;
  std::optional<double> get_number(std::string_view key) const;
  std::optional<bool> get_bool(std::string_view key) const;
  std::optional<Millis> get_duration(std::string_view key) const;
  std::vector<std::string> get_list(std::string_view key) const;
  // Resolves `env:NAME` and `file:/path` references and registers the
  // value with the redactor. Throws Error(config) naming the key when the
  // reference cannot be resolved.
  std::optional<Secret> get_secret(std::string_view key) const;
  // The objects of an object_list, each viewed with the same getters.
  std::vector<ConfigView> get_objects(std::string_view key) const;
  // "file:line" or "$ENV" where the key was set, for messages.
  std::string origin(std::string_view key) const;

private:
  const ConfigValue* find(std::string_view key) const;

  const ConfigValues* m_values;
  const Env* m_env;
  Redactor* m_redactor;
  std::string m_prefix; // "mysql." for nested views is not used; object views use ""
};

// The whole configuration: the first file found in the search order
// (--config, $CREDGUARD_CONFIG, ~/.config/credguard/config.yaml,
// /etc/credguard/config.yaml), then CREDGUARD_<SECTION>_<KEY> overrides.
// With no file, only the environment and the embedded defaults apply.
class Config {
public:
  // Finds and loads the configuration. An explicit path (flag or
  // $CREDGUARD_CONFIG) that cannot be read is an error; the default
  // locations are optional. Throws Error(config) on unknown keys, wrong
  // types and malformed YAML, naming file, line and key.
  static Config load(const std::optional<std::filesystem::path>& explicit_path, const Env& env, Redactor& redactor);
  // Parses YAML text as if read from `source` and applies the environment.
  // `env` and `redactor` must outlive the Config: secrets resolve lazily.
  static Config parse(std::string_view yaml, std::string source, const Env& env, Redactor& redactor);

  Config(Config&&) noexcept = default;
  Config& operator=(Config&&) noexcept = default;
  Config(const Config&) = delete;
  Config& operator=(const Config&) = delete;

  // The file the values came from; empty when none was found.
  const std::string& source() const { return m_source; }
  const ConfigView& view() const { return *m_view; }

  bool has(std::string_view key) const { return m_view->has(key); }
  std::optional<std::string> get_string(std::string_view key) const { return m_view->get_string(key); }
  std::optional<long long> get_int(std::string_view key) const { return m_view->get_int(key); }
  std::optional<double> get_number(std::string_view key) const { return m_view->get_number(key); }
  std::optional<bool> get_bool(std::string_view key) const { return m_view->get_bool(key); }
  std::optional<Millis> get_duration(std::string_view key) const { return m_view->get_duration(key); }
  std::vector<std::string> get_list(std::string_view key) const { return m_view->get_list(key); }
  std::optional<Secret> get_secret(std::string_view key) const { return m_view->get_secret(key); }
  std::vector<ConfigView> get_objects(std::string_view key) const { return m_view->get_objects(key); }
  std::string origin(std::string_view key) const { return m_view->origin(key); }
  const ConfigValues& values() const { return *m_values; }

private:
  Config(std::string source, ConfigValues values, const Env& env, Redactor& redactor);

  std::string m_source;
  std::unique_ptr<ConfigValues> m_values;
  std::unique_ptr<ConfigView> m_view;
};

} // namespace credguard
