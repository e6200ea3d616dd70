#include "service_runner.hpp"

#include <catch2/catch.hpp>

using namespace credguard;
using namespace credguard::test;
using checks::Status;

namespace {

const char* const k_sizes = "  - {id: sizes, title: T, kind: mysql, params: {metric: table_sizes}, "
                            "threshold: {warn: 10000, unit: MiB}}\n";
const char* const k_growth = "  - {id: growth, title: G, kind: mysql, params: {metric: table_growth}, "
                             "threshold: {warn: 5, crit: 20, unit: \"%/week\"}}\n";

checks::PastResult past(SystemTime at, long long total, long long scores_bytes)
{
  return {at,
          {{"database", "credguard"},
           {"total_bytes", total},
           {"tables", {{"customer_scores", {{"bytes", scores_bytes}, {"rows", 10}}}}}}};
}

} // namespace

TEST_CASE("mysql kind: table sizes and their growth since an earlier run recorded in the journal")
{
  PlatformDatabase db;
  db.sql("INSERT INTO batch_jobs (id, fileName) VALUES (1, 'lote.csv');\n"
         "INSERT INTO customer_scores (batchJobId, cpf, nome, produto, faixaScore, scoreProbInadimplencia, "
         "dataProcessamento) SELECT 1, LPAD(seq, 11, '0'), REPEAT('n', 200), 'CARTAO', 'A', 0.1, NOW() "
         "FROM seq_1_to_3000;\nANALYZE TABLE customer_scores;");
  ServiceRunner runner;
  runner.clients.use_database(db);

  auto sizes = runner.run_one(k_sizes);
  CHECK(sizes.status == Status::pass);
  REQUIRE(sizes.value);
  auto total = sizes.data["total_bytes"].get<long long>();
  CHECK(*sizes.value == Approx(static_cast<double>(total) / (1024.0 * 1024.0)));
  CHECK(sizes.data["database"] == db.name());
  CHECK(sizes.data["tables"].size() == 4);
  CHECK(sizes.data["tables"]["customer_scores"]["bytes"].get<long long>() > 500'000);
  CHECK_THAT(sizes.detail, Catch::StartsWith("4 tables, ") && Catch::Contains("largest: customer_scores "));
  CHECK_THAT(sizes.detail, !Catch::Contains(" since "));

  auto now = std::chrono::system_clock::now();
  auto week = std::chrono::hours(24 * 7);

  SECTION("table_sizes names the change since the last run")
  {
    runner.history["sizes"] = {past(now - week, total / 2, 1000)};
    auto again = runner.run_one(k_sizes);
    CHECK_THAT(again.detail, Catch::Contains("; +100 % since "));
  }
  SECTION("growth per week against the newest run at least a day old")
  {
    runner.history["growth"] = {past(now - std::chrono::hours(1), total, 1000), past(now - week, total / 2, 1000)};
    auto growth = runner.run_one(k_growth);
    CHECK(growth.status == Status::fail);
    REQUIRE(growth.value);
    CHECK(*growth.value == Approx(100).epsilon(0.01));
    CHECK_THAT(growth.detail,
               Catch::Contains("(+100 %) in 7d since ") && Catch::Contains("grew most: customer_scores +"));
    CHECK(growth.data["total_bytes"] == total); // recorded for the next run
  }
  SECTION("growth over two weeks is halved to a weekly rate")
  {
    runner.history["growth"] = {past(now - 2 * week, total * 100 / 108, 1000)};
    auto growth = runner.run_one(k_growth);
    CHECK(growth.status == Status::pass);
    CHECK(*growth.value == Approx(4.0).epsilon(0.01));
  }
  SECTION("without an earlier measurement this run is the baseline")
  {
    runner.history["growth"] = {past(now - std::chrono::hours(1), total / 2, 1000)};
    auto growth = runner.run_one(k_growth);
    CHECK(growth.status == Status::skip);
    CHECK_THAT(growth.detail, Catch::StartsWith("no earlier measurement at least 1d old in the journal"));
    CHECK(growth.data["total_bytes"] == total);
  }
  SECTION("an unusable record is ignored")
  {
    runner.history["growth"] = {{now - week, {{"total_bytes", "big"}}}};
    CHECK(runner.run_one(k_growth).status == Status::skip);
  }
}
