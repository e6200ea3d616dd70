#include <credguard/checks/kind.hpp>
#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace credguard::checks {

mysql::Client& Clients::mysql()
{
  throw Error(ErrorKind::config, "no MySQL client in this context", "set mysql.host or mysql.socket");
}

prometheus::Client& Clients::prometheus()
{
  throw Error(ErrorKind::config, "no Prometheus client in this context", "set prometheus.url");
}

Millis CheckContext::remaining() const
{
  auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
  return std::max(left, Millis(1));
}

void KindRegistry::add(std::unique_ptr<CheckKind> kind)
{
  std::string name(kind->name());
  m_planned.erase(name);
  m_kinds[name] = std::move(kind);
}

void KindRegistry::add_planned(std::string name, std::string why, std::vector<std::string> required_config)
{
  if (m_kinds.find(name) == m_kinds.end()) {
    m_planned[std::move(name)] = Planned{std::move(why), std::move(required_config)};
  }
}

const CheckKind* KindRegistry::find(std::string_view name) const
{
  auto it = m_kinds.find(name);
  return it == m_kinds.end() ? nullptr : it->second.get();
}

std::optional<std::string> KindRegistry::planned(std::string_view name) const
{
  auto it = m_planned.find(name);
  if (it == m_planned.end()) {
    return std::nullopt;
  }
  return it->second.why;
}

std::vector<std::string> KindRegistry::planned_required_config(std::string_view name) const
{
  auto it = m_planned.find(name);
  return it == m_planned.end() ? std::vector<std::string>{} : it->second.required_config;
}

std::vector<std::string> KindRegistry::names() const
{
  std::vector<std::string> names;
  for (const auto& [name, kind] : m_kinds) {
    names.push_back(name);
  }
  return names;
}

void validate_runbook(const Runbook& runbook, const KindRegistry& kinds)
{
  for (const auto& def : runbook.checks) {
    if (const CheckKind* kind = kinds.find(def.kind)) {
      kind->validate(def);
    } else if (!kinds.planned(def.kind)) {
      throw Error(ErrorKind::config, fmt::format("{}: {}: unknown check kind '{}'", def.location, def.id, def.kind),
                  fmt::format("known kinds: {}", join(kinds.names(), ", ")));
    }
  }
}

CheckResult measured(const CheckDefinition& def, double value, std::string detail)
{
  CheckResult result;
  result.value = value;
  result.value_text = def.threshold.format_value(value);
  result.status = def.threshold.empty() ? Status::pass : def.threshold.evaluate(value);
  result.detail = std::move(detail);
  return result;
}

} // namespace credguard::checks
