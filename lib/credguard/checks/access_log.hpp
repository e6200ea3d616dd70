#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace credguard::checks {

// What counts as a burst.
struct BurstOptions {
  std::vector<int> statuses{401, 403};
  std::chrono::seconds window{300};
  std::size_t limit = 50;            // more than this many in one window is a burst
  std::optional<std::int64_t> since; // Unix seconds; older lines are ignored
  std::vector<std::string> json_ip_keys{"remote_addr", "client_ip", "remote_ip", "ip", "clientip"};
  std::vector<std::string> json_status_keys{"status", "status_code", "response"};
  std::vector<std::string> json_time_keys{"time", "timestamp", "@timestamp", "time_local", "ts"};
};

// An IP over the limit: its busiest window.
struct BurstOffender {
  std::string ip;
  std::size_t peak = 0;        // responses in the busiest window
  std::int64_t peak_start = 0; // Unix seconds of the window's first response
  std::size_t total = 0;       // matching responses overall
};

struct BurstReport {
  std::uint64_t matched = 0;            // responses with a listed status
  std::uint64_t undated = 0;            // of those, lines whose time could not be read (ignored)
  std::vector<BurstOffender> offenders; // busiest first
};

// Finds IPs with more than `limit` responses of the listed statuses in any
// sliding window, in access logs in the combined log format (Apache/nginx:
// IP - user [23/Nov/2026:08:00:00 +0000] "GET / HTTP/1.1" 401 ...) or JSON
// lines (an object per line; the keys above). Fast: the combined format is
// searched for `" 4`-style status candidates 16 bytes at a time, so bytes
// of lines that cannot match are never looked at one by one; no regex and
// no allocation per line. Feed each file's text, then call finish().
class BurstScanner {
public:
  explicit BurstScanner(BurstOptions options);
  // Scans complete lines (a final line without newline counts). The format
  // is taken from the first non-blank line: JSON when it starts with '{'.
  void feed(std::string_view text);
  BurstReport finish();

private:
  void scan_combined(std::string_view text);
  void scan_json(std::string_view text);
  void record(std::string_view ip, std::int64_t when);
  bool wanted(int status) const { return status >= 100 && status < 600 && m_wanted[static_cast<std::size_t>(status)]; }

  BurstOptions m_options;
  std::vector<bool> m_wanted = std::vector<bool>(600, false);
  std::unordered_map<std::string, std::vector<std::int64_t>> m_hits;
  std::string m_key; // reused for lookups: no allocation per line
  std::string_view m_last_clf_time;
  std::int64_t m_last_clf_seconds = 0;
  BurstReport m_report;
};

} // namespace credguard::checks
