#include "cmd/incident/services.hpp"

#include <credguard/core/files.hpp>

namespace credguard::cli {

IncidentServices load_incident_services(Context& ctx)
{
  const Config& config = ctx.config();
  IncidentServices services;
  services.events = events::events_options(config, host_name());
  services.purge = incident::purge_targets(config);
  services.serving = incident::serving_options(config);
  // Kubernetes-backed steps (Deployment Event, denylist ConfigMap, CronJob
  // suspend) are wired here once the k8s client is available.
  return services;
}

} // namespace credguard::cli
