#include "support/fake_clock.hpp"
#include "support/temp_dir.hpp"

#include <credguard/checks/engine.hpp>
#include <credguard/core/error.hpp>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <ctime>
#include <zlib.h>

using namespace credguard;
using namespace credguard::checks;

namespace {

const MapEnv g_env; // outlives every Config that refers to it

class NoClients final : public Clients {
public:
  http::Transport& http() override { throw Error(ErrorKind::internal, "no transport in this test"); }
};

struct Logs {
  test::TempDir dir;
  test::FakeClock clock; // 2026-11-23T08:00:00Z
  NullLog log;
  Redactor redactor;
  NoClients clients;
  std::unique_ptr<Config> config = std::make_unique<Config>(Config::parse("", "cfg.yaml", g_env, redactor));

  void gzip(const std::string& name, const std::string& content)
  {
    gzFile file = gzopen((dir / name).c_str(), "wb");
    gzwrite(file, content.data(), static_cast<unsigned>(content.size()));
    gzclose(file);
  }

  std::vector<CheckResult> run(const std::string& check)
  {
    auto runbook = parse_runbook("name: t\nchecks:\n  - " + check + "\n", "rb.yaml", *config, Millis(10'000));
    auto kinds = builtin_kinds();
    validate_runbook(runbook, kinds);
    return run_runbook(runbook, kinds, EngineContext{*config, clock, log, clients}, {}).report.results;
  }

  std::string path(const std::string& name) const { return (dir / name).string(); }
};

// "Nov 23 07:59:01" for a time `minutes_ago` before the fake clock, in local time as syslog writes it.
std::string syslog_time(const test::FakeClock& clock, int minutes_ago)
{
  auto when = std::chrono::system_clock::to_time_t(clock.now() - std::chrono::minutes(minutes_ago));
  std::tm tm{};
  localtime_r(&when, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%b %e %H:%M:%S", &tm);
  return buffer;
}

} // namespace

TEST_CASE("log_patterns counts matches in the last N lines, continuing into rotated and gzipped files")
{
  Logs logs;
  logs.dir.write("backend.log", "INFO up\nCRITICAL db pool exhausted\nINFO ok\n");
  logs.dir.write("backend.log.1", "FATAL out of memory\nINFO a\nINFO b\n");
  logs.gzip("backend.log.2.gz", "CRITICAL old one\nINFO c\nCRITICAL older\n");
  auto check = fmt::format("{{id: backend, title: B, kind: log_patterns, params: {{path: {}, last_lines: 8, "
                           "patterns: [CRITICAL, FATAL]}}, threshold: {{warn: 1, crit: 3, unit: lines}}}}",
                           logs.path("backend.log"));
  auto results = logs.run(check);
  REQUIRE(results.size() == 1);
  CHECK(results[0].status == Status::fail);
  CHECK(results[0].value == 3); // 3 + 3 lines of the newer files, then 2 of the .gz: "INFO c", "CRITICAL older"
  CHECK(results[0].detail.find("in the last 8 lines") != std::string::npos);
  CHECK(results[0].detail.find("CRITICAL x2, FATAL x1") != std::string::npos);
  CHECK(results[0].detail.find("newest: CRITICAL db pool exhausted") != std::string::npos);
  CHECK(results[0].data["files"] == 3);

  auto only_live = logs.run(fmt::format("{{id: b, title: B, kind: log_patterns, params: {{path: {}, last_lines: 1, "
                                        "patterns: [CRITICAL]}}, threshold: {{warn: 1, crit: 3}}}}",
                                        logs.path("backend.log")));
  CHECK(only_live[0].status == Status::pass);
  CHECK(only_live[0].value == 0);
}

TEST_CASE("log_patterns within a time window keeps stack traces with their entry and ignores case when asked")
{
  Logs logs;
  logs.dir.write("app.log", "2026-11-23T06:00:00Z ERROR two hours ago\n"
                            "2026-11-23T07:30:00Z error connection reset\n"
                            "  at Pool.get(Pool.java:12)\n"
                            "  caused by Error: timeout\n"
                            "2026-11-23T07:45:00Z INFO fine\n");
  auto results = logs.run(fmt::format("{{id: app, title: A, kind: log_patterns, params: {{path: {}, window: 1h, "
                                      "patterns: ['^\\S+ error', 'caused by'], ignore_case: true}}, "
                                      "threshold: {{warn: 1, crit: 5}}}}",
                                      logs.path("app.log")));
  REQUIRE(results.size() == 1);
  CHECK(results[0].value == 2); // the 07:30 entry and its "caused by"; not the 06:00 one
  CHECK(results[0].data["lines_read"] == 4);
  CHECK(results[0].status == Status::warn);
}

TEST_CASE("log_patterns: a bad pattern is a config error at load, a missing file is UNKNOWN naming it")
{
  Logs logs;
  CHECK_THROWS_WITH(logs.run("{id: x, title: X, kind: log_patterns, params: {path: /tmp/x, patterns: ['(']}}"),
                    Catch::Contains("rb.yaml:3: x.params.patterns: \"(\" is not a valid regular expression"));
  CHECK_THROWS_WITH(logs.run("{id: x, title: X, kind: log_patterns, params: {path: /tmp/x, patterns: [a], "
                             "last_lines: 5, window: 1h}}"),
                    Catch::Contains("last_lines or window"));
  auto missing = logs.run(fmt::format("{{id: x, title: X, kind: log_patterns, params: {{path: {}, patterns: [a]}}}}",
                                      logs.path("absent.log")));
  CHECK(missing[0].status == Status::unknown);
  CHECK(missing[0].detail == "cannot read " + logs.path("absent.log") + ": no such file");

  logs.dir.write("undated.log", "no time here\nnor here\n");
  auto undated =
      logs.run(fmt::format("{{id: x, title: X, kind: log_patterns, params: {{path: {}, patterns: [a], window: 1h}}}}",
                           logs.path("undated.log")));
  CHECK(undated[0].status == Status::unknown);
  CHECK(undated[0].detail.find("no line starts with a recognised timestamp") != std::string::npos);
}

TEST_CASE("auth_failures: failed passwords per hour, naming the sources")
{
  Logs logs;
  std::string lines;
  for (int i = 0; i < 20; ++i) { // two hours ago: outside the window
    lines += syslog_time(logs.clock, 120) + " web sshd[9]: Failed password for root from 192.0.2.1 port 22 ssh2\n";
  }
  for (int i = 0; i < 9; ++i) {
    lines += syslog_time(logs.clock, 50 - i) +
             " web sshd[9]: Failed password for invalid user admin from 203.0.113.9 port 4422 ssh2\n";
  }
  for (int i = 0; i < 3; ++i) {
    lines += syslog_time(logs.clock, 10) + " web sshd[9]: Failed password for ops from 198.51.100.2 port 1 ssh2\n";
    lines += syslog_time(logs.clock, 10) + " web sshd[9]: Accepted publickey for ops from 198.51.100.2\n";
  }
  logs.dir.write("auth.log", lines);
  auto results = logs.run(fmt::format("{{id: logins, title: L, kind: auth_failures, params: {{path: {}, window: 1h}}, "
                                      "threshold: {{warn: 10, crit: 50, unit: per hour}}}}",
                                      logs.path("auth.log")));
  REQUIRE(results.size() == 1);
  CHECK(results[0].value == 12);
  CHECK(results[0].status == Status::warn);
  CHECK(results[0].detail.find("from 203.0.113.9 (9), 198.51.100.2 (3)") != std::string::npos);

  auto half_hour = logs.run(fmt::format("{{id: l, title: L, kind: auth_failures, params: {{path: {}, window: 30m}}, "
                                        "threshold: {{warn: 10, crit: 50}}}}",
                                        logs.path("auth.log")));
  CHECK(half_hour[0].value == 6); // 3 failures in 30 minutes is 6 per hour
}

TEST_CASE("access_bursts names the IPs over the limit in a combined-format log and its rotation")
{
  Logs logs;
  std::string live;
  std::string rotated;
  for (int i = 0; i < 40; ++i) {
    live += fmt::format("203.0.113.9 - - [23/Nov/2026:07:58:{:02} +0000] \"POST /login HTTP/1.1\" 401 12 \"-\" "
                        "\"curl\"\n",
                        i);
    rotated += fmt::format("203.0.113.9 - - [23/Nov/2026:07:55:{:02} +0000] \"POST /login HTTP/1.1\" 403 12 \"-\" "
                           "\"curl\"\n",
                           i);
  }
  logs.dir.write("access.log", live);
  logs.gzip("access.log.1.gz", rotated);
  auto check = fmt::format("{{id: bursts, title: B, kind: access_bursts, params: {{path: {}, window: 5m, limit: 50}}, "
                           "threshold: {{warn: 1, crit: 1, unit: IPs}}}}",
                           logs.path("access.log"));
  auto results = logs.run(check);
  REQUIRE(results.size() == 1);
  CHECK(results[0].status == Status::fail);
  CHECK(results[0].detail ==
        "1 IP with more than 50 responses 401/403 within 5m: 203.0.113.9 (80 from 2026-11-23T07:55:00Z)");
  CHECK(results[0].data["offenders"][0]["total"] == 80);

  auto live_only = logs.run(fmt::format("{{id: b, title: B, kind: access_bursts, params: {{path: {}, rotations: 0}}, "
                                        "threshold: {{warn: 1, crit: 1}}}}",
                                        logs.path("access.log")));
  CHECK(live_only[0].status == Status::pass);
  CHECK(live_only[0].detail.find("(40 such responses") != std::string::npos);
}
