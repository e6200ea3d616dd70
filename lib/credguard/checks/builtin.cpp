#include <credguard/checks/backup_kind.hpp>
#include <credguard/checks/host_kinds.hpp>
#include <credguard/checks/kind.hpp>
#include <credguard/checks/mysql_kind.hpp>
#include <credguard/checks/prometheus_kind.hpp>
#include <credguard/checks/security_updates_kind.hpp>

namespace credguard::checks {

KindRegistry builtin_kinds()
{
  KindRegistry registry;
  add_host_kinds(registry);
  add_mysql_kind(registry);
  add_prometheus_kind(registry);
  add_backup_kind(registry);
  add_security_updates_kind(registry);
  // Kinds the runbooks name that this build does not have yet: their checks
  // load, SKIP while unconfigured, and report UNKNOWN once configured.
  struct Planned {
    const char* name;
    std::vector<std::string> required_config;
  };
  const Planned planned[] = {
      {"systemd", {}},         {"process", {}},  {"log_patterns", {}}, {"auth_failures", {}},
      {"access_bursts", {}},   {"http", {}},     {"tls", {}},          {"k8s_nodes", {}},
      {"k8s_deployments", {}}, {"k8s_pods", {}}, {"k8s_events", {}},   {"drift", {}},
  };
  for (const auto& kind : planned) {
    registry.add_planned(kind.name, "not implemented in this version of credguard", kind.required_config);
  }
  return registry;
}

} // namespace credguard::checks
