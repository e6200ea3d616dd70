#include "service_runner.hpp"
#include "support/daemon.hpp"

#include <catch2/catch.hpp>

using namespace credguard;
using namespace credguard::test;
using checks::Status;

namespace {

// Rows whose ages are relative to the server's NOW(), as production rows are.
const char* const k_jobs = R"sql(
INSERT INTO batch_jobs (id, status, fileName, error, createdAt) VALUES
  (1, 'completed',  'lote-01.csv', NULL, NOW() - INTERVAL 5 HOUR),
  (2, 'processing', 'lote-02.csv', NULL, NOW() - INTERVAL 10 MINUTE),
  (3, 'processing', 'lote-03.csv', NULL, NOW() - INTERVAL 2 HOUR),
  (4, 'processing', 'lote-04.csv', NULL, NOW() - INTERVAL 5 HOUR),
  (5, 'failed',     'lote-05.csv', 'CSV inválido: linha 12 sem CPF\nstack...', NOW() - INTERVAL 2 HOUR),
  (6, 'failed',     'lote-06.csv', NULL, NOW() - INTERVAL 30 HOUR),
  (7, 'pending',    'lote-07.csv', NULL, NOW() - INTERVAL 3 HOUR);
)sql";

} // namespace

TEST_CASE("mysql kind: batch jobs stuck in processing and failed jobs, from real rows")
{
  PlatformDatabase db;
  db.sql(k_jobs);
  ServiceRunner runner;
  runner.clients.use_database(db);

  SECTION("stuck jobs: older than 1 hour, oldest first, with files and ages")
  {
    auto result = runner.run_one("  - {id: stuck, title: S, kind: mysql, params: {metric: stuck_jobs, older_than: 1h},"
                                 " threshold: {warn: 1, crit: 3, unit: jobs}}\n");
    CHECK(result.status == Status::warn);
    CHECK(result.value == 2);
    CHECK(result.value_text == "2 jobs");
    CHECK_THAT(result.detail, Catch::StartsWith("#4 lote-04.csv processing for 5h") &&
                                  Catch::Contains("#3 lote-03.csv processing for 2h"));
    CHECK(result.data["jobs"].size() == 2);
    CHECK(result.data["jobs"][0]["id"] == "4");
  }
  SECTION("stuck jobs: the limit comes from params; crit fails")
  {
    auto result = runner.run_one("  - {id: stuck, title: S, kind: mysql, params: {metric: stuck_jobs, older_than: 5m},"
                                 " threshold: {warn: 1, crit: 3}}\n");
    CHECK(result.status == Status::fail);
    CHECK(result.value == 3);
  }
  SECTION("stuck jobs: none is a pass that says so")
  {
    db.sql("UPDATE batch_jobs SET status = 'completed' WHERE status = 'processing';");
    auto result = runner.run_one("  - {id: stuck, title: S, kind: mysql, params: {metric: stuck_jobs},"
                                 " threshold: {warn: 1, crit: 1}}\n");
    CHECK(result.status == Status::pass);
    CHECK(result.value == 0);
    CHECK(result.detail == "no job processing for more than 1h");
  }
  SECTION("failed jobs: in the window, with the first line of their error")
  {
    auto result = runner.run_one("  - {id: failed, title: F, kind: mysql, params: {metric: failed_jobs, window: 24h},"
                                 " threshold: {warn: 1, crit: 10, unit: jobs}}\n");
    CHECK(result.status == Status::warn);
    CHECK(result.value == 1);
    CHECK(result.detail == "#5 lote-05.csv: CSV inválido: linha 12 sem CPF");
    CHECK(result.data["jobs"][0]["error"] == "CSV inválido: linha 12 sem CPF");
    auto wider = runner.run_one("  - {id: failed, title: F, kind: mysql, params: {metric: failed_jobs, window: 2d,"
                                " list: 1}, threshold: {warn: 1, crit: 2}}\n");
    CHECK(wider.status == Status::fail);
    CHECK(wider.value == 2);
    CHECK_THAT(wider.detail, Catch::EndsWith("; and 1 more"));
    CHECK_THAT(wider.detail, Catch::Contains("(no error recorded)") || Catch::Contains("lote-05"));
  }
}

TEST_CASE("mysql kind: connections in use against max_connections")
{
  PlatformDatabase db;
  ServiceRunner runner;
  runner.clients.use_database(db);
  // The server runs with max_connections=100; this check's own connection
  // is one, other tests' may be more.
  auto pass = runner.run_one("  - {id: conn, title: C, kind: mysql, params: {metric: connections},"
                             " threshold: {warn: 99, crit: 100, unit: \"%\"}}\n");
  CHECK(pass.status == Status::pass);
  REQUIRE(pass.value);
  CHECK(*pass.value >= 1);
  CHECK(pass.data["max_connections"] == 100);
  CHECK(*pass.value == Approx(pass.data["in_use"].get<double>()));
  CHECK_THAT(pass.detail, Catch::Contains("connections in use") && Catch::Contains("of 100"));
  auto warn = runner.run_one("  - {id: conn, title: C, kind: mysql, params: {metric: connections},"
                             " threshold: {warn: 0.5, crit: 100}}\n");
  CHECK(warn.status == Status::warn);
  auto fail = runner.run_one("  - {id: conn, title: C, kind: mysql, params: {metric: connections},"
                             " threshold: {warn: 0.5, crit: 0.5}}\n");
  CHECK(fail.status == Status::fail);
}

TEST_CASE("mysql kind: expired bureau cache rows and inactive users")
{
  PlatformDatabase db;
  db.sql(R"sql(
INSERT INTO bureau_cache (cpf, payload, expiresAt) VALUES
  ('11111111111', '{}', NOW() - INTERVAL 2 DAY),
  ('22222222222', '{}', NOW() - INTERVAL 1 HOUR),
  ('33333333333', '{}', NOW() + INTERVAL 1 DAY);
INSERT INTO users (email, lastLoginAt) VALUES
  ('ana@credguard.com', NOW() - INTERVAL 100 DAY),
  ('bia@credguard.com', NULL),
  ('caio@credguard.com', NOW() - INTERVAL 10 DAY);
)sql");
  ServiceRunner runner;
  runner.clients.use_database(db);

  auto all = runner.run_one("  - {id: bureau, title: B, kind: mysql, params: {metric: bureau_expired},"
                            " threshold: {warn: 1, unit: rows}}\n");
  CHECK(all.status == Status::warn);
  CHECK(all.value == 2);
  CHECK_THAT(all.detail, Catch::StartsWith("2 cached bureau answers expired, the oldest at "));
  auto stale = runner.run_one("  - {id: bureau, title: B, kind: mysql, params: {metric: bureau_expired, "
                              "older_than: 24h}, threshold: {warn: 1, crit: 1}}\n");
  CHECK(stale.status == Status::fail);
  CHECK(stale.value == 1);
  CHECK_THAT(stale.detail, Catch::Contains("more than 1d ago"));

  auto users = runner.run_one("  - {id: users, title: U, kind: mysql, params: {metric: inactive_users},"
                              " threshold: {warn: 1, unit: users}}\n");
  CHECK(users.status == Status::warn);
  CHECK(users.value == 2);
  CHECK_THAT(users.detail, Catch::StartsWith("bia@credguard.com (never logged in); ana@credguard.com (last login "));
  CHECK_THAT(users.detail, !Catch::Contains("caio"));
  auto shorter = runner.run_one("  - {id: users, title: U, kind: mysql, params: {metric: inactive_users, "
                                "inactive_for: 7d}, threshold: {warn: 1}}\n");
  CHECK(shorter.value == 3);
}

TEST_CASE("mysql kind: a generic query returns one number")
{
  PlatformDatabase db;
  db.sql(k_jobs);
  ServiceRunner runner;
  runner.clients.use_database(db);
  auto result = runner.run_one("  - {id: q, title: Q, kind: mysql, threshold: {warn: 2, crit: 5},"
                               " params: {metric: query, sql: \"SELECT COUNT(*) AS processing FROM batch_jobs "
                               "WHERE status = ?\", args: [processing]}}\n");
  CHECK(result.status == Status::warn);
  CHECK(result.value == 3);
  CHECK(result.detail == "processing");

  auto none = runner.run_one("  - {id: q, title: Q, kind: mysql, params: {metric: query, sql: \"SELECT id FROM "
                             "batch_jobs WHERE id = 0\"}}\n");
  CHECK(none.status == Status::unknown);
  CHECK_THAT(none.detail, Catch::Contains("returned no row"));
  auto text = runner.run_one("  - {id: q, title: Q, kind: mysql, params: {metric: query, sql: \"SELECT fileName FROM "
                             "batch_jobs WHERE id = 1\"}}\n");
  CHECK(text.status == Status::unknown);
  CHECK_THAT(text.detail, Catch::Contains("\"lote-01.csv\", not a number"));
  auto broken = runner.run_one("  - {id: q, title: Q, kind: mysql, params: {metric: query, sql: \"SELECT FROM\"}}\n");
  CHECK(broken.status == Status::unknown);
  CHECK_THAT(broken.detail,
             Catch::Contains("127.0.0.1:" + std::to_string(db.server().port)) && Catch::Contains("1064"));
}

TEST_CASE("mysql kind: a database that cannot be reached is UNKNOWN naming it, and does not hang")
{
  PlatformDatabase db;
  ServiceRunner runner;
  mysql::ConnectOptions options;
  options.host = "127.0.0.1";
  options.port = static_cast<unsigned int>(free_port());
  options.user = k_mariadb_user;
  options.password = Secret(k_mariadb_password);
  options.connect_timeout = Millis(1000);
  runner.clients.use_mysql(options);
  auto results = runner.run("  - {id: a, title: A, kind: mysql, params: {metric: connections}}\n"
                            "  - {id: b, title: B, kind: mysql, params: {metric: stuck_jobs}}\n");
  for (const auto& result : results) {
    CHECK(result.status == Status::unknown);
    CHECK_THAT(result.detail,
               Catch::Contains("127.0.0.1:" + std::to_string(options.port)) && !Catch::Contains(k_mariadb_password));
  }
  options.port = static_cast<unsigned int>(db.server().port);
  options.password = Secret("wrong-fixture-password-22");
  runner.clients.use_mysql(options);
  auto denied = runner.run_one("  - {id: a, title: A, kind: mysql, params: {metric: connections}}\n");
  CHECK(denied.status == Status::unknown);
  CHECK_THAT(denied.detail, Catch::Contains("Access denied") && !Catch::Contains("wrong-fixture-password-22"));
}

TEST_CASE("mysql kind: params are validated when the runbook loads")
{
  ServiceRunner runner;
  CHECK_THROWS_WITH(runner.run("  - {id: a, title: A, kind: mysql, params: {metric: nope}}\n"),
                    Catch::Contains("rb.yaml:3") && Catch::Contains("a.params.metric") &&
                        Catch::Contains("stuck_jobs"));
  CHECK_THROWS_WITH(runner.run("  - {id: a, title: A, kind: mysql, params: {metric: stuck_jobs, older_than: soon}}\n"),
                    Catch::Contains("a.params.older_than"));
  CHECK_THROWS_WITH(runner.run("  - {id: a, title: A, kind: mysql, params: {metric: query}}\n"),
                    Catch::Contains("a.params.sql: is required"));
}
