#pragma once

#include <credguard/core/clock.hpp>
#include <credguard/events/notifier.hpp>
#include <credguard/http/transport.hpp>
#include <credguard/incident/cluster.hpp>
#include <credguard/incident/denylist.hpp>
#include <credguard/incident/plan.hpp>
#include <credguard/incident/purge.hpp>

#include <string>

namespace credguard::incident {

// Steps shared by the incident commands (revoke, quarantine, rollback,
// purge-cache). Each observes, acts where the world differs, and observes
// again. The references must outlive the plan.

// Sends `notice` to every event sink, and `cluster_event` to the serving
// Deployment when Kubernetes and serving.deployment are configured. A rerun
// sends only to the sinks no earlier run delivered to (all of them with
// `renotify`). Skipped when nothing is configured; failed (the plan goes
// on) when a sink fails.
Step notify_step(http::Transport& http, const events::EventsOptions& events, const ServingOptions& serving,
                 ServingCluster* cluster, events::Notice notice, ClusterEvent cluster_event, bool renotify = false);

// Observes the gateway denylist and/or the denylist ConfigMap and adds
// `entry` where it is missing (a rerun puts back an entry removed since).
// Skipped when neither is configured; failed when any configured one fails.
Step denylist_step(http::Transport& http, const ServingOptions& serving, ServingCluster* cluster, const Clock& clock,
                   DenylistEntry entry);

// Purges model@version from every endpoint of `targets`. A rerun looks at
// what an earlier run purged (probe()) and purges again only what holds the
// version now or cannot be told; a layer without read-back is reported with
// the time of its purge. Skipped when no endpoint is configured; failed
// when any endpoint fails (after its retries) or does not verify.
Step purge_step(http::Transport& http, const PurgeTargets& targets, const Clock& clock, std::string model,
                std::string version);

// Suspends the CronJobs matching serving.cronjob_selector (expanded for
// `model`) and records T0, the time after which batch outputs are
// suspect. Skipped, still recording T0, without Kubernetes.
Step freeze_step(const ServingOptions& serving, ServingCluster* cluster, std::string model);

} // namespace credguard::incident
