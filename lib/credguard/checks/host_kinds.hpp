#pragma once

#include <credguard/checks/kind.hpp>

namespace credguard::checks {

// cpu (busy % over a short sample of /proc/stat), memory (used % from
// /proc/meminfo, MemAvailable-based) and disk (used % of each real mounted
// file system, one result per file system).
void add_host_kinds(KindRegistry& registry);

} // namespace credguard::checks
