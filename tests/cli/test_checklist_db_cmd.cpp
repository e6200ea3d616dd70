#include "harness.hpp"
#include "support/mariadb.hpp"
#include "support/prometheus.hpp"

#include <credguard/journal/journal.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sstream>

using namespace credguard;
using namespace credguard::test;

namespace {

// A harness whose configuration points at `db`, the password in the
// environment as an operator would keep it.
struct DbHarness : CliHarness {
  explicit DbHarness(const PlatformDatabase& db, const std::string& extra = "")
  {
    env.set("CG_DB_PASSWORD", k_mariadb_password);
    config = home.write("config.yaml", db.config_yaml("env:CG_DB_PASSWORD") + extra);
  }
  int checklist(std::vector<std::string> args)
  {
    args.insert(args.begin(), {"--config", config.string(), "checklist"});
    return run(args);
  }
  nlohmann::json json_checks(std::vector<std::string> args)
  {
    args.insert(args.end(), {"--output", "json"});
    checklist(args);
    auto document = nlohmann::json::parse(out.str());
    nlohmann::json by_id = nlohmann::json::object();
    for (const auto& check : document["checks"]) {
      by_id[check["id"].get<std::string>()] = check;
    }
    return by_id;
  }
  std::vector<journal::Entry> runs(const std::string& action)
  {
    journal::Journal journal(home / "journal.db", journal::Journal::Mode::read_only, clock, {});
    journal::Filter filter;
    filter.action_prefix = action;
    return journal.list(filter);
  }
  std::filesystem::path config;
};

// The table row of check `id`: "STATUS ... DETAIL" with single spaces.
std::string row(const std::string& table, const std::string& id)
{
  std::istringstream lines(table);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::string status;
    std::string check;
    words >> status >> check;
    if (check == id) {
      std::string squeezed;
      for (char c : line) {
        if (c != ' ' || squeezed.empty() || squeezed.back() != ' ') {
          squeezed += c;
        }
      }
      return squeezed;
    }
  }
  return "(no row for " + id + ")";
}

} // namespace

TEST_CASE("checklist daily: the database checks of the runbook against MariaDB")
{
  PlatformDatabase db;
  db.sql("INSERT INTO batch_jobs (id, status, fileName, error, createdAt) VALUES "
         "(1, 'processing', 'lote-a.csv', NULL, NOW() - INTERVAL 3 HOUR), "
         "(2, 'failed', 'lote-b.csv', 'timeout no bureau', NOW() - INTERVAL 1 HOUR);\n"
         "INSERT INTO bureau_cache (cpf, payload, expiresAt) VALUES ('1', '{}', NOW() - INTERVAL 3 DAY);");
  DbHarness h(db);
  CHECK(h.checklist({"daily", "--only", "database"}) == 2);
  auto table = h.out.str();
  CHECK_THAT(row(table, "stuck-jobs"),
             Catch::Equals("FAIL stuck-jobs 1 jobs < 1 jobs #1 lote-a.csv processing for 3h"));
  CHECK_THAT(row(table, "failed-jobs"),
             Catch::StartsWith("WARN failed-jobs 1 jobs") && Catch::EndsWith("#2 lote-b.csv: timeout no bureau"));
  CHECK_THAT(row(table, "bureau-cache"), Catch::StartsWith("WARN bureau-cache 1 rows"));
  CHECK_THAT(row(table, "db-connections"), Catch::StartsWith("PASS db-connections"));
  CHECK_THAT(table, Catch::Contains("What to do:\n  FAIL stuck-jobs: Read the job's logs"));

  auto checks = h.json_checks({"daily", "--only", "jobs"});
  CHECK(checks.size() == 2);
  CHECK(checks["stuck-jobs"]["status"] == "FAIL");
  CHECK(checks["stuck-jobs"]["data"]["jobs"][0]["file"] == "lote-a.csv");
  CHECK(checks["failed-jobs"]["value"] == 1);

  auto entries = h.runs("checklist.daily");
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].what.outcome == "fail");
  CHECK(entries[0].what.evidence["problems"].size() == 3);
  CHECK(h.err.str().find(k_mariadb_password) == std::string::npos);
}

TEST_CASE("checklist daily: an unreachable database is UNKNOWN naming it, exit 3")
{
  PlatformDatabase db;
  auto port = std::to_string(free_port());
  DbHarness h(db, "");
  h.config = h.home.write("config.yaml", "mysql:\n  host: 127.0.0.1\n  port: " + port +
                                             "\n  user: credguard\n  password: env:CG_DB_PASSWORD\n"
                                             "  connect_timeout: 1s\n");
  CHECK(h.checklist({"daily", "--only", "jobs"}) == 3);
  CHECK_THAT(row(h.out.str(), "stuck-jobs"),
             Catch::StartsWith("UNKNOWN stuck-jobs - < 1 jobs MySQL 127.0.0.1:" + port + ": "));
}

TEST_CASE("checklist weekly: sizes are journaled, and the next week's run reports the growth")
{
  PlatformDatabase db;
  DbHarness h(db);
  CHECK(h.checklist({"weekly", "--only", "capacity"}) == 0);
  CHECK_THAT(row(h.out.str(), "db-growth"), Catch::StartsWith("SKIP db-growth") && Catch::Contains("is the baseline"));
  auto first = h.runs("checklist.weekly");
  REQUIRE(first.size() == 1);
  auto recorded = first[0].what.evidence["data"]["db-growth"]["total_bytes"].get<long long>();
  CHECK(recorded > 0);
  CHECK(first[0].what.evidence["data"].contains("db-size"));

  // A run the next day is too recent to compare with (min_interval 6d);
  // it is the newest one old enough six days later.
  h.clock.advance(std::chrono::hours(24));
  CHECK(h.checklist({"weekly", "--only", "db-growth"}) == 0);
  CHECK_THAT(h.out.str(), Catch::Contains("is the baseline"));

  db.sql("INSERT INTO batch_jobs (id, fileName) VALUES (1, 'lote.csv');\n"
         "INSERT INTO customer_scores (batchJobId, cpf, nome, produto, faixaScore, scoreProbInadimplencia, "
         "dataProcessamento) SELECT 1, LPAD(seq, 11, '0'), REPEAT('n', 250), 'CARTAO', 'A', 0.1, NOW() "
         "FROM seq_1_to_4000;\nANALYZE TABLE customer_scores;");
  h.clock.advance(std::chrono::hours(24 * 6));
  auto checks = h.json_checks({"weekly", "--only", "capacity"});
  auto growth = checks["db-growth"];
  CHECK(growth["status"] == "FAIL"); // crit 25 %/week
  CHECK(growth["value"].get<double>() > 25);
  CHECK_THAT(growth["detail"].get<std::string>(),
             Catch::Contains("in 6d since 2026-11-24T08:00:00Z") && Catch::Contains("grew most: customer_scores +"));
  CHECK(growth["data"]["previous_total_bytes"] == recorded);
}

TEST_CASE("checklist monthly: score-band shifts and inactive users")
{
  PlatformDatabase db;
  std::string sql = "INSERT INTO batch_jobs (id, fileName) VALUES (1, 'lote.csv');\n"
                    "INSERT INTO users (email, lastLoginAt) VALUES ('ana@credguard.com', NOW() - INTERVAL 200 DAY),"
                    " ('bia@credguard.com', NOW() - INTERVAL 1 DAY);\n";
  for (auto [band, before, after] : {std::tuple{"A", 150, 50}, std::tuple{"B", 50, 150}}) {
    for (auto [count, days] : {std::pair{before, 40}, std::pair{after, 3}}) {
      sql += "INSERT INTO customer_scores (batchJobId, cpf, nome, produto, faixaScore, scoreProbInadimplencia, "
             "dataProcessamento) SELECT 1, LPAD(seq, 11, '0'), 'n', 'CARTAO', '" +
             std::string(band) + "', 0.2, CURDATE() - INTERVAL " + std::to_string(days) + " DAY FROM seq_1_to_" +
             std::to_string(count) + ";\n";
    }
  }
  db.sql(sql);
  DbHarness h(db);
  CHECK(h.checklist({"monthly"}) == 2);
  CHECK_THAT(row(h.out.str(), "score-bands"), Catch::StartsWith("FAIL score-bands 1.1 ") &&
                                                  Catch::EndsWith("CARTAO PSI 1.099 (band A 75.0 % -> 25.0 %)"));
  CHECK_THAT(row(h.out.str(), "inactive-users"),
             Catch::StartsWith("WARN inactive-users 1 users") && Catch::Contains("ana@credguard.com (last login "));
  CHECK(h.runs("checklist.monthly").size() == 1);
}

TEST_CASE("checklist daily: the runbook's PromQL queries against a real Prometheus")
{
  Exporter exporter;
  // 10 requests/s taking 0.15 s each; 1 of them a 500.
  exporter.set_counter("http_request_duration_seconds_sum", 1.5);
  exporter.set_counter("http_request_duration_seconds_count", 10);
  exporter.set_counter("http_requests_total{status=\"200\"}", 9);
  exporter.set_counter("http_requests_total{status=\"500\"}", 1);
  PrometheusServer prometheus(exporter.target());
  // rate() over [5m] with seconds of data is small, but the runbook's
  // queries are ratios of counters scraped together: exact from the start.
  REQUIRE(prometheus.wait_for("sum(rate(http_requests_total[5m]))", [](double v) { return v > 0; }));
  CliHarness h;
  auto config = h.home.write("config.yaml", "prometheus:\n  url: " + prometheus.url() + "\n");
  CHECK(h.run({"--config", config.string(), "--output", "json", "checklist", "daily", "--only", "performance"}) == 2);
  auto document = nlohmann::json::parse(h.out.str());
  nlohmann::json by_id = nlohmann::json::object();
  for (const auto& check : document["checks"]) {
    by_id[check["id"].get<std::string>()] = check;
  }
  CHECK(by_id["api-latency"]["status"] == "PASS");
  CHECK(by_id["api-latency"]["value"].get<double>() == Approx(150).epsilon(0.02));
  CHECK(by_id["http-error-rate"]["status"] == "FAIL");
  CHECK(by_id["http-error-rate"]["value"].get<double>() == Approx(10).epsilon(0.05));
  CHECK(by_id["db-connections"]["status"] == "SKIP"); // mysql.host is not set
}
