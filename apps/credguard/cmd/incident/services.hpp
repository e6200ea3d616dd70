#pragma once

#include "cli/context.hpp"

#include <credguard/events/notifier.hpp>
#include <credguard/incident/cluster.hpp>
#include <credguard/incident/denylist.hpp>
#include <credguard/incident/purge.hpp>

#include <memory>

namespace credguard::cli {

// The configured sinks, cache layers and serving platform the incident
// commands act on.
struct IncidentServices {
  events::EventsOptions events;
  incident::PurgeTargets purge;
  incident::ServingOptions serving;
  // nullptr when Kubernetes is not configured: the steps that need it say
  // so and are skipped.
  std::unique_ptr<incident::ServingCluster> cluster;
};

// Reads the events, purge and serving sections. Throws Error(config)
// naming the key of a malformed entry.
IncidentServices load_incident_services(Context& ctx);

} // namespace credguard::cli
