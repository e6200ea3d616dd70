// The access-log burst scan (kind access_bursts) on a generated access log
// of about 1 GB (argument: size in MB), against `grep -c` counting the
// 401/403 responses of the same file in the same run: the target is "near
// grep speed". Both read the file from the page cache (it is read once
// first). The scan must also be right: the one IP that bursts is named.
#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <vector>

using namespace credguard::test;
using Steady = std::chrono::steady_clock;

namespace {

constexpr const char* k_burst_ip = "203.0.113.77";

double seconds_since(Steady::time_point start)
{
  return std::chrono::duration<double>(Steady::now() - start).count();
}

// Combined log format over the last 20 hours: ~2 % 401/403 spread over many
// IPs (none over 50 in 5 minutes), plus one IP with 120 401s in 2 minutes.
// Returns the number of 401/403 lines written.
std::uint64_t generate(const std::filesystem::path& path, std::uint64_t bytes)
{
  std::ofstream out(path, std::ios::binary);
  std::string buffer;
  buffer.reserve(8 << 20);
  std::uint64_t written = 0;
  std::uint64_t denied = 0;
  const std::time_t end = std::time(nullptr);
  const std::uint64_t lines_estimate = bytes / 170;
  const std::uint64_t burst_at = lines_estimate / 2;
  char stamp[32] = {};
  std::time_t stamped = 0;
  for (std::uint64_t i = 0; written < bytes; ++i) {
    auto when = end - 72'000 + static_cast<std::time_t>(i * 72'000 / (lines_estimate + 1));
    if (when != stamped) {
      std::tm tm{};
      gmtime_r(&when, &tm);
      std::strftime(stamp, sizeof stamp, "%d/%b/%Y:%H:%M:%S +0000", &tm);
      stamped = when;
    }
    bool burst = i >= burst_at && i < burst_at + 120 * 40 && i % 40 == 0;
    int status = burst ? 401 : (i % 97 == 0 ? 401 : (i % 101 == 0 ? 403 : 200));
    denied += status != 200 ? 1 : 0;
    std::size_t before = buffer.size();
    if (burst) {
      fmt::format_to(std::back_inserter(buffer),
                     "{} - - [{}] \"POST /api/v1/login HTTP/1.1\" 401 31 \"-\" \"curl/8\"\n", k_burst_ip, stamp);
    } else {
      fmt::format_to(std::back_inserter(buffer),
                     "10.{}.{}.{} - - [{}] \"GET /api/v1/scores/{}?produto=CARTAO HTTP/1.1\" {} {} "
                     "\"https://credguard.internal/\" \"Mozilla/5.0 (X11; Linux x86_64)\"\n",
                     i % 7, (i / 7) % 256, (i / 1792) % 256, stamp, i, status, 200 + i % 3000);
    }
    written += buffer.size() - before;
    if (buffer.size() > (8 << 20) - 512) {
      out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      buffer.clear();
    }
  }
  out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
  return denied;
}

} // namespace

int main(int argc, char** argv)
{
  const std::uint64_t megabytes = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1024;
  TempDir dir;
  auto log = dir / "access.log";
  fmt::print(stderr, "generating {} MB of access log...\n", megabytes);
  auto denied = generate(log, megabytes << 20);
  auto size = std::filesystem::file_size(log);
  dir.write("config.yaml", "version: 1\n");
  dir.write("rb.yaml", fmt::format("version: 1\nname: bench\nchecks:\n  - {{id: auth-bursts, title: Bursts, kind: "
                                   "access_bursts, timeout: 600s, params: {{path: '{}', statuses: [401, 403], window: "
                                   "5m, limit: 50}}, threshold: {{warn: 1, crit: 1}}}}\n",
                                   log.string()));
  auto env = base_env({{"HOME", dir.path().string()}, {"CREDGUARD_JOURNAL", (dir / "journal.db").string()}});
  const std::chrono::milliseconds limit(600'000);
  {
    // Into the page cache, so that neither side pays for the disk.
    std::ifstream in(log, std::ios::binary);
    std::vector<char> chunk(8 << 20);
    while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in.gcount() > 0) {
    }
  }

  auto start = Steady::now();
  auto grep = run_process({"/bin/grep", "-c", "-E", "\" 40[13] ", log.string()}, env, "", limit);
  double grep_s = seconds_since(start);
  start = Steady::now();
  auto scan = run_process({CREDGUARD_BINARY, "--config", (dir / "config.yaml").string(), "--output", "json", "-q",
                           "checklist", "daily", "--runbook", (dir / "rb.yaml").string()},
                          env, "", limit);
  double scan_s = seconds_since(start);
  start = Steady::now();
  auto grep_fixed = run_process({"/bin/grep", "-c", "-F", "\" 401 ", log.string()}, env, "", limit);
  double grep_fixed_s = seconds_since(start);

  auto report = nlohmann::json::parse(scan.out, nullptr, false);
  bool right = !report.is_discarded() && report["checks"][0]["data"]["matched"] == denied &&
               report["checks"][0]["data"]["offenders"].size() == 1 &&
               report["checks"][0]["data"]["offenders"][0]["ip"] == k_burst_ip &&
               std::strtoull(grep.out.c_str(), nullptr, 10) == denied;
  double mb = static_cast<double>(size) / (1 << 20);
  fmt::print("access-log burst scan, {:.0f} MB, {} lines with 401/403\n", mb, denied);
  fmt::print("  reference: grep -c -E '\" 40[13] '   {:6.2f} s  {:7.0f} MB/s\n", grep_s, mb / grep_s);
  fmt::print("  reference: grep -c -F '\" 401 '      {:6.2f} s  {:7.0f} MB/s\n", grep_fixed_s, mb / grep_fixed_s);
  fmt::print("  credguard access_bursts (whole run) {:6.2f} s  {:7.0f} MB/s  ({:.2f}x the time of grep -E)\n", scan_s,
             mb / scan_s, scan_s / grep_s);
  if (!right) {
    fmt::print(stderr, "wrong result: grep counted {}, credguard said {}\n{}", grep.out, scan.out, scan.err);
    return 1;
  }
  return 0;
}
