#include "cmd/incident/services.hpp"

#include "cmd/incident/kube_cluster.hpp"

#include <credguard/core/files.hpp>

namespace credguard::cli {

IncidentServices load_incident_services(Context& ctx)
{
  const Config& config = ctx.config();
  IncidentServices services;
  services.events = events::events_options(config, host_name());
  services.purge = incident::purge_targets(config);
  services.serving = incident::serving_options(config);
  // The Deployment Event, the denylist ConfigMap and the CronJob suspend
  // need a cluster; without one those steps say so and are skipped.
  if (k8s::Client* client = ctx.kubernetes()) {
    services.cluster = std::make_unique<KubeServingCluster>(*client);
  }
  return services;
}

} // namespace credguard::cli
