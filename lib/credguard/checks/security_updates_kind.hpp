#pragma once

#include <credguard/checks/kind.hpp>

namespace credguard::checks {

// The `security_updates` kind (runbook 3.2): installed packages (dpkg
// status) for which a security repository's apt list offers a newer
// version. Reads params.root (default /) var/lib/dpkg/status and
// var/lib/apt/lists/*security*_Packages[.lz4|.gz|.xz|.zst], decompressing
// through apt-helper. SKIP on a system without dpkg. The value is the
// number of packages; the detail names them.
void add_security_updates_kind(KindRegistry& registry);

} // namespace credguard::checks
