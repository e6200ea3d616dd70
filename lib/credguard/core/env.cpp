#include <credguard/core/env.hpp>

#include <cstdlib>
#include <cstring>

extern char** environ; // NOLINT(readability-redundant-declaration): POSIX

namespace credguard {

std::optional<std::string> SystemEnv::get(std::string_view name) const
{
  const char* value = std::getenv(std::string(name).c_str());
  if (value == nullptr) {
    return std::nullopt;
  }
  return std::string(value);
}

std::map<std::string, std::string> SystemEnv::with_prefix(std::string_view prefix) const
{
  std::map<std::string, std::string> found;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    auto eq = text.find('=');
    if (eq == std::string_view::npos || !text.starts_with(prefix)) {
      continue;
    }
    found.emplace(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
  }
  return found;
}

std::optional<std::string> MapEnv::get(std::string_view name) const
{
  auto it = m_vars.find(std::string(name));
  if (it == m_vars.end()) {
    return std::nullopt;
  }
  return it->second;
}

std::map<std::string, std::string> MapEnv::with_prefix(std::string_view prefix) const
{
  std::map<std::string, std::string> found;
  for (const auto& [name, value] : m_vars) {
    if (name.starts_with(prefix)) {
      found.emplace(name, value);
    }
  }
  return found;
}

} // namespace credguard
