#pragma once

#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace credguard {

// The process environment, injectable so tests need not touch the real one.
class Env {
public:
  virtual ~Env() = default;
  // Returns the variable's value, or nullopt when unset. An empty value is
  // returned as an empty string.
  virtual std::optional<std::string> get(std::string_view name) const = 0;
  // Every variable whose name starts with `prefix`.
  virtual std::map<std::string, std::string> with_prefix(std::string_view prefix) const = 0;
};

// Reads getenv/environ.
class SystemEnv final : public Env {
public:
  std::optional<std::string> get(std::string_view name) const override;
  std::map<std::string, std::string> with_prefix(std::string_view prefix) const override;
};

// A fixed map, for tests and for child processes.
class MapEnv final : public Env {
public:
  MapEnv() = default;
  explicit MapEnv(std::map<std::string, std::string> vars)
    : m_vars(std::move(vars))
  {}

  void set(std::string name, std::string value) { m_vars[std::move(name)] = std::move(value); }
  std::optional<std::string> get(std::string_view name) const override;
  std::map<std::string, std::string> with_prefix(std::string_view prefix) const override;

private:
  std::map<std::string, std::string> m_vars;
};

} // namespace credguard
