#include <credguard/checks/drift_kind.hpp>
#include <credguard/checks/host_kinds.hpp>
#include <credguard/checks/kind.hpp>

namespace credguard::checks {

KindRegistry builtin_kinds()
{
  KindRegistry registry;
  add_host_kinds(registry);
  add_drift_kind(registry);
  // Kinds the runbooks name that this build does not have yet: their checks
  // load, SKIP while unconfigured, and report UNKNOWN once configured.
  struct Planned {
    const char* name;
    std::vector<std::string> required_config;
  };
  const Planned planned[] = {
      {"systemd", {}},
      {"process", {}},
      {"log_patterns", {}},
      {"auth_failures", {}},
      {"access_bursts", {}},
      {"http", {}},
      {"prometheus", {"prometheus.url"}},
      {"mysql", {"mysql.host"}},
      {"backup", {}},
      {"tls", {}},
      {"k8s_nodes", {}},
      {"k8s_deployments", {}},
      {"k8s_pods", {}},
      {"k8s_events", {}},
  };
  for (const auto& kind : planned) {
    registry.add_planned(kind.name, "not implemented in this version of credguard", kind.required_config);
  }
  return registry;
}

} // namespace credguard::checks
