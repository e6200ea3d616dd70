#pragma once

#include <credguard/checks/kind.hpp>

namespace credguard::checks {

// The `prometheus` kind: an instant PromQL query (params.query) whose value
// is judged by the threshold. With several series the worst one is the
// value and the others beyond the threshold are named; an empty vector is
// "no data" (UNKNOWN naming the query). Needs prometheus.url.
void add_prometheus_kind(KindRegistry& registry);

} // namespace credguard::checks
