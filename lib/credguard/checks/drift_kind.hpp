#pragma once

#include <credguard/checks/kind.hpp>

namespace credguard::checks {

// drift: the largest Population Stability Index over the features of two
// CSV files (params baseline and current; features and bins from params or
// the drift.* configuration), judged by the runbook's threshold.
void add_drift_kind(KindRegistry& registry);

} // namespace credguard::checks
