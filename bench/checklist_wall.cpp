// `checklist daily` with 30 checks against local services: a real MariaDB
// (the platform's tables), a real Prometheus scraping an exporter, two
// `openssl s_server` TLS endpoints, an HTTP server whose health URLs answer
// after 50-400 ms, generated log files, a backup directory and this host.
// Runs all 30 checks at once, then each check alone (`--only ID`), and
// compares the wall time of the whole run with the slowest check and with the
// sum of the individual check times. The target: close to the slowest check,
// not the sum.
#include "support/certs.hpp"
#include "support/http_server.hpp"
#include "support/mariadb.hpp"
#include "support/openssl_server.hpp"
#include "support/process.hpp"
#include "support/prometheus.hpp"
#include "support/temp_dir.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <functional>
#include <map>
#include <vector>

using namespace credguard::test;
using Steady = std::chrono::steady_clock;

namespace {

double ms_since(Steady::time_point start)
{
  return std::chrono::duration<double, std::milli>(Steady::now() - start).count();
}

void write_lines(const std::filesystem::path& path, int count, const std::function<std::string(int)>& line)
{
  std::ofstream out(path);
  for (int i = 0; i < count; ++i) {
    out << line(i) << '\n';
  }
}

// Log files, an access log of ~20 MB, and a week of backups.
void write_files(const TempDir& dir)
{
  write_lines(dir / "backend.log", 200'000, [](int i) {
    return fmt::format("2026-11-23 07:{:02}:{:02} {} request handled in {} ms", (i / 60) % 60, i % 60,
                       i % 997 == 0 ? "ERROR" : "INFO", i % 300);
  });
  write_lines(dir / "mysql-error.log", 5'000,
              [](int i) { return fmt::format("2026-11-23T07:00:{:02}.000000Z 0 [Note] InnoDB: page {}", i % 60, i); });
  write_lines(dir / "nginx-error.log", 5'000, [](int i) {
    return fmt::format("2026/11/23 07:00:{:02} [warn] 12#12: *{} upstream response buffered", i % 60, i);
  });
  auto now = std::chrono::system_clock::now();
  // RFC 3339 (syslog) or the combined log format's time.
  auto clock_time = [&](int seconds_ago, bool clf) {
    auto t = std::chrono::system_clock::to_time_t(now - std::chrono::seconds(seconds_ago));
    std::tm tm{};
    gmtime_r(&t, &tm);
    char text[64];
    if (clf) {
      std::strftime(text, sizeof text, "%d/%b/%Y:%H:%M:%S +0000", &tm);
    } else {
      std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S+00:00", &tm);
    }
    return std::string(text);
  };
  write_lines(dir / "auth.log", 20'000, [&](int i) {
    return fmt::format("{} bastion sshd[{}]: {} for ops from 10.0.{}.{} port 22 ssh2", clock_time(20'000 - i, false),
                       1000 + i, i % 500 == 0 ? "Failed password" : "Accepted publickey", i % 7, i % 200);
  });
  write_lines(dir / "access.log", 200'000, [&](int i) {
    int status = i % 40 == 0 ? 401 : 200;
    return fmt::format("10.1.{}.{} - - [{}] \"GET /api/v1/score/{} HTTP/1.1\" {} 512 \"-\" \"client/1.0\"", i % 13,
                       i % 250, clock_time((200'000 - i) / 4, true), i, status);
  });
  std::filesystem::create_directories(dir / "backups");
  for (int day = 0; day < 7; ++day) {
    auto file = dir / "backups" / fmt::format("credguard-202611{:02}.sql.gz", 17 + day);
    std::ofstream(file) << std::string(static_cast<std::size_t>(1'000'000 + day * 1000), 'x');
    std::filesystem::last_write_time(file, std::filesystem::file_time_type::clock::now() -
                                               std::chrono::hours(24 * (6 - day)));
  }
}

// The runbook; `ids` gets the id of each check.
std::string runbook(const TempDir& dir, const std::string& health_url, const std::string& tls_a,
                    const std::string& tls_b, std::vector<std::string>& ids)
{
  auto path = [&](const char* name) { return (dir / name).string(); };
  std::string checks;
  auto add = [&](const std::string& check) {
    checks += "  - " + check + "\n";
    ids.push_back(check.substr(5, check.find(',') - 5)); // "{id: ID, ..."
  };
  add("{id: cpu, title: CPU, kind: cpu, params: {sample: 500ms}, threshold: {warn: 95, crit: 99, unit: '%'}}");
  add("{id: memory, title: Memory, kind: memory, threshold: {warn: 95, crit: 99, unit: '%'}}");
  add("{id: disk, title: Disk, kind: disk, threshold: {warn: 95, crit: 99, unit: '%'}}");
  add("{id: processes, title: Processes, kind: process, params: {names: [mariadbd, prometheus]}}");
  add(fmt::format("{{id: backend-log, title: Backend, kind: log_patterns, params: {{path: '{}', last_lines: 100, "
                  "patterns: [CRITICAL, FATAL]}}, threshold: {{warn: 1, crit: 1}}}}",
                  path("backend.log")));
  add(fmt::format("{{id: backend-errors, title: Backend errors, kind: log_patterns, params: {{path: '{}', "
                  "last_lines: 20000, patterns: [ERROR]}}, threshold: {{warn: 100, crit: 500}}}}",
                  path("backend.log")));
  add(fmt::format("{{id: mysql-log, title: MySQL, kind: log_patterns, params: {{path: '{}', last_lines: 100, "
                  "patterns: ['\\[ERROR\\]']}}, threshold: {{warn: 1, crit: 10}}}}",
                  path("mysql-error.log")));
  add(fmt::format("{{id: nginx-log, title: Nginx, kind: log_patterns, params: {{path: '{}', last_lines: 100, "
                  "patterns: ['\\[crit\\]', '\\[emerg\\]']}}, threshold: {{warn: 1, crit: 1}}}}",
                  path("nginx-error.log")));
  add(fmt::format("{{id: failed-logins, title: Logins, kind: auth_failures, params: {{path: '{}', window: 1h}}, "
                  "threshold: {{warn: 10, crit: 50}}}}",
                  path("auth.log")));
  add(fmt::format("{{id: auth-bursts, title: Bursts, kind: access_bursts, params: {{path: '{}', statuses: [401, 403], "
                  "window: 5m, limit: 50}}, threshold: {{warn: 1, crit: 1}}}}",
                  path("access.log")));
  for (int delay : {50, 100, 200, 300, 400}) {
    add(fmt::format("{{id: health-{0}, title: Health {0}, kind: http, params: {{endpoints: [{{name: h{0}, url: "
                    "'{1}/health/{0}', timeout: 2s}}]}}}}",
                    delay, health_url));
  }
  for (const auto& [id, host] : {std::pair{"tls-api", tls_a}, std::pair{"tls-admin", tls_b}}) {
    add(fmt::format("{{id: {}, title: TLS, kind: tls, params: {{hosts: ['{}'], ca_bundle: '{}'}}, threshold: "
                    "{{warn: 30, crit: 0, direction: below}}}}",
                    id, host, path("ca.pem")));
  }
  add("{id: api-latency, title: Latency, kind: prometheus, params: {query: '1000 * "
      "sum(rate(http_request_duration_seconds_sum[5m])) / sum(rate(http_request_duration_seconds_count[5m]))'}, "
      "threshold: {warn: 200, crit: 500, unit: ms}}");
  add("{id: http-error-rate, title: Errors, kind: prometheus, params: {query: '100 * "
      "(sum(rate(http_requests_total{status=~\"5..\"}[5m])) or vector(0)) / sum(rate(http_requests_total[5m]))'}, "
      "threshold: {warn: 1, crit: 5, unit: '%'}}");
  add("{id: request-rate, title: Requests, kind: prometheus, params: {query: 'sum(rate(http_requests_total[5m]))'}, "
      "threshold: {warn: 100000, crit: 1000000}}");
  add("{id: targets-up, title: Up, kind: prometheus, params: {query: 'count(up == 1)'}, threshold: {warn: 1, crit: 0, "
      "direction: below}}");
  add("{id: db-connections, title: Connections, kind: mysql, params: {metric: connections}, threshold: {warn: 80, "
      "crit: 95}}");
  add("{id: stuck-jobs, title: Stuck, kind: mysql, params: {metric: stuck_jobs, older_than: 1h}, threshold: {warn: 1, "
      "crit: 1}}");
  add("{id: failed-jobs, title: Failed, kind: mysql, params: {metric: failed_jobs, window: 24h}, threshold: {warn: "
      "1, crit: 10}}");
  add("{id: bureau-cache, title: Bureau, kind: mysql, params: {metric: bureau_expired, older_than: 24h}, threshold: "
      "{warn: 1, crit: 100000}}");
  add("{id: inactive-users, title: Users, kind: mysql, params: {metric: inactive_users, inactive_for: 90d}, "
      "threshold: {warn: 1, crit: 100}}");
  add("{id: pending-jobs, title: Pending, kind: mysql, params: {metric: query, sql: \"SELECT COUNT(*) FROM "
      "batch_jobs WHERE status = 'pending'\"}, threshold: {warn: 100, crit: 1000}}");
  add("{id: scores-today, title: Scores, kind: mysql, params: {metric: query, sql: 'SELECT COUNT(*) FROM "
      "customer_scores WHERE dataProcessamento > NOW() - INTERVAL 1 DAY'}, threshold: {warn: 1, crit: 0, direction: "
      "below}}");
  add(fmt::format("{{id: backup, title: Backup, kind: backup, params: {{dir: '{}', pattern: 'credguard-*.sql.gz', "
                  "max_age: 25h, size_tolerance: 20}}}}",
                  path("backups")));
  add("{id: security-updates, title: Updates, kind: security_updates, threshold: {warn: 1000, crit: 10000}}");
  return "version: 1\nname: bench\nchecks:\n" + checks;
}

struct Run {
  double wall_ms = 0;
  nlohmann::json report;
};

Run run_checklist(const std::vector<std::string>& extra, const TempDir& dir)
{
  std::vector<std::string> argv{
      CREDGUARD_BINARY, "--config",  (dir / "config.yaml").string(), "--output", "json", "--quiet", "checklist",
      "daily",          "--runbook", (dir / "rb.yaml").string()};
  argv.insert(argv.end(), extra.begin(), extra.end());
  auto env = base_env({{"HOME", dir.path().string()},
                       {"CREDGUARD_JOURNAL", (dir / "journal.db").string()},
                       {"CG_DB_PASSWORD", k_mariadb_password}});
  auto start = Steady::now();
  auto result = run_process(argv, env);
  Run run{ms_since(start), {}};
  try {
    run.report = nlohmann::json::parse(result.out);
  } catch (const std::exception&) {
    throw std::runtime_error("credguard printed no report: " + result.err);
  }
  return run;
}

} // namespace

int main()
{
  TempDir dir;
  fmt::print(stderr, "starting MariaDB, Prometheus, two TLS servers and an HTTP server...\n");
  MariaDbServer mariadb;
  PlatformDatabase db(mariadb.endpoint());
  db.sql("INSERT INTO batch_jobs (status, fileName, totalRecords, createdAt) VALUES "
         "('completed', 'a.csv', 1000, NOW() - INTERVAL 2 HOUR), ('pending', 'b.csv', 500, NOW());"
         "INSERT INTO customer_scores (batchJobId, cpf, nome, produto, faixaScore, scoreProbInadimplencia, "
         "dataProcessamento) VALUES (1, '00000000191', 'Ana', 'CARTAO', 'A', 0.1, NOW());");
  Exporter exporter;
  exporter.set_counter("http_request_duration_seconds_sum", 12);
  exporter.set_counter("http_request_duration_seconds_count", 100);
  exporter.set_counter("http_requests_total{status=\"200\"}", 100);
  PrometheusServer prometheus(exporter.target());
  HttpServer health([](const HttpRequest& request) {
    auto response = HttpResponse::text(200, "ok\n");
    response.delay = std::chrono::milliseconds(std::stoi(request.path.substr(request.path.rfind('/') + 1)));
    return response;
  });
  TestCa ca;
  dir.write("ca.pem", ca.ca().cert_pem);
  OpensslServer tls_a(ca.issue("api", {"127.0.0.1"}), dir.path());
  OpensslServer tls_b(ca.issue("admin", {"127.0.0.1"}, std::chrono::hours(-24), std::chrono::hours(24 * 20)),
                      dir.path());
  write_files(dir);
  dir.write("config.yaml",
            "version: 1\n" + db.config_yaml("env:CG_DB_PASSWORD") + "prometheus:\n  url: " + prometheus.url() + "\n");
  std::vector<std::string> ids;
  dir.write("rb.yaml", runbook(dir, health.url(), tls_a.endpoint(), tls_b.endpoint(), ids));
  if (!prometheus.wait_for("sum(rate(http_requests_total[5m]))", [](double v) { return v > 0; })) {
    fmt::print(stderr, "Prometheus has no rate yet\n");
    return 1;
  }

  run_checklist({}, dir); // warm the page cache and the journal
  auto all = run_checklist({}, dir);
  const auto& checks = all.report["checks"];
  double slowest = 0;
  std::string slowest_id;
  double in_run_sum = 0;
  std::map<std::string, int> statuses;
  for (const auto& check : checks) {
    double ms = check["duration_ms"].get<double>();
    in_run_sum += ms;
    auto status = check["status"].get<std::string>();
    ++statuses[status];
    if (status != "PASS") {
      fmt::print(stderr, "{} {}: {}\n", status, check["id"].get<std::string>(), check["detail"].get<std::string>());
    }
    if (ms > slowest) {
      slowest = ms;
      slowest_id = check["id"].get<std::string>();
    }
  }
  double alone_wall_sum = 0;
  double alone_check_sum = 0;
  for (const auto& id : ids) {
    auto one = run_checklist({"--only", id}, dir);
    alone_wall_sum += one.wall_ms;
    double longest = 0; // a check with several results (disk: one per mount) measures them together
    for (const auto& result : one.report["checks"]) {
      longest = std::max(longest, result["duration_ms"].get<double>());
    }
    alone_check_sum += longest;
  }

  fmt::print("checklist daily, {} checks ({} results) against local services (statuses:", ids.size(), checks.size());
  for (const auto& [status, n] : statuses) {
    fmt::print(" {} {}", n, status);
  }
  fmt::print(")\n");
  fmt::print("  all checks in one run, wall time (process)   {:8.0f} ms\n", all.wall_ms);
  fmt::print("  slowest single check in that run              {:8.0f} ms ({})\n", slowest, slowest_id);
  fmt::print("  sum of the check times in that run            {:8.0f} ms\n", in_run_sum);
  fmt::print("  reference: each check alone, sum of its times {:8.0f} ms\n", alone_check_sum);
  fmt::print("  reference: each check alone, sum of wall times{:8.0f} ms ({} processes)\n", alone_wall_sum, ids.size());
  fmt::print("  wall / slowest check {:.2f}x, wall / sum of checks alone {:.2f}x ({:.1f}x faster)\n",
             all.wall_ms / slowest, all.wall_ms / alone_check_sum, alone_check_sum / all.wall_ms);
  bool complete = ids.size() == 30 && statuses["UNKNOWN"] == 0;
  if (!complete) {
    fmt::print(stderr, "the benchmark's setup is broken: {}\n", all.report.dump(2));
  }
  return complete ? 0 : 1;
}
