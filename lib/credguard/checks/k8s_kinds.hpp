#pragma once

#include <credguard/checks/kind.hpp>

namespace credguard::checks {

// The Kubernetes kinds, read-only, through Clients::kubernetes(); each SKIPs
// when no kubeconfig or service account is found. Params: `namespace`
// (default: kubernetes.namespace, else the context's or the pod's),
// `label_selector`.
// - k8s_nodes: nodes whose Ready condition is not True, named with the reason;
// - k8s_deployments: deployments with fewer available replicas than wanted;
// - k8s_pods: pods with a container in CrashLoopBackOff, with restart counts;
// - k8s_events: Warning events seen within `window` (default 1h).
// The value is the number of offending objects (events for k8s_events).
void add_k8s_kinds(KindRegistry& registry);

} // namespace credguard::checks
