#pragma once

#include <credguard/checks/kind.hpp>

namespace credguard::checks {

// Network endpoints, all probed concurrently, one result per endpoint.
// - tls: `hosts` (host:port); days until the certificate's notAfter,
//   judged by the threshold (WARN below 30 days in the runbook); FAIL when
//   the chain does not verify against `ca_bundle` (else http.ca_bundle,
//   else the system store) or the name does not match; UNKNOWN when no
//   handshake was possible. `timeout` per host.
// - http: `endpoints` (objects {name, url, timeout} or plain URLs) must
//   answer 2xx within their timeout (default 5s); the value is the time taken.
void add_net_kinds(KindRegistry& registry);

} // namespace credguard::checks
