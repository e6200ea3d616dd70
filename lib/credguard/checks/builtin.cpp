#include <credguard/checks/backup_kind.hpp>
#include <credguard/checks/drift_kind.hpp>
#include <credguard/checks/host_kinds.hpp>
#include <credguard/checks/k8s_kinds.hpp>
#include <credguard/checks/kind.hpp>
#include <credguard/checks/log_kinds.hpp>
#include <credguard/checks/mysql_kind.hpp>
#include <credguard/checks/net_kinds.hpp>
#include <credguard/checks/process_kinds.hpp>
#include <credguard/checks/prometheus_kind.hpp>
#include <credguard/checks/security_updates_kind.hpp>

namespace credguard::checks {

KindRegistry builtin_kinds()
{
  KindRegistry registry;
  add_host_kinds(registry);
  add_k8s_kinds(registry);
  add_log_kinds(registry);
  add_net_kinds(registry);
  add_process_kinds(registry);
  add_mysql_kind(registry);
  add_prometheus_kind(registry);
  add_backup_kind(registry);
  add_security_updates_kind(registry);
  add_drift_kind(registry);
  return registry;
}

} // namespace credguard::checks
