#pragma once

#include <credguard/checks/kind.hpp>

namespace credguard::checks {

// Log scans. Every kind reads `path` and its rotations (path.1, path.2.gz,
// ... up to params.rotations older files).
// - log_patterns: lines matching any of `patterns` (regular expressions,
//   `ignore_case`) among the last `last_lines` lines, or within the last
//   `window` by the lines' timestamps; value = matching lines.
// - auth_failures: sshd "Failed password" lines (params.pattern) within
//   `window` (default 1h); value = failures per hour, top sources named.
// - access_bursts: IPs with more than `limit` responses of `statuses`
//   (default 401, 403) in any sliding `window` (default 5m) among lines
//   newer than `since` (default 24h; 0 = all), combined log format or JSON
//   lines; value = such IPs, named with their peak.
void add_log_kinds(KindRegistry& registry);

} // namespace credguard::checks
