#pragma once

#include <credguard/checks/kind.hpp>

namespace credguard::checks {

// The `backup` kind (runbook 2.2): the newest file matching params.pattern
// in params.dir must be younger than params.max_age (else FAIL) and not
// empty (else FAIL), and its size within ±params.size_tolerance % of the
// median of the params.compare previous ones (else WARN). The value is the
// newest backup's age in hours; the detail names the files.
void add_backup_kind(KindRegistry& registry);

} // namespace credguard::checks
