#include "service_runner.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace credguard;
using namespace credguard::test;
using checks::Status;

namespace {

// `count` scores of `product` in `band`, processed `days_ago` days ago.
std::string scores(const std::string& product, const std::string& band, int count, int days_ago)
{
  return "INSERT INTO customer_scores (batchJobId, cpf, nome, produto, faixaScore, scoreProbInadimplencia, "
         "dataProcessamento) SELECT 1, LPAD(seq, 11, '0'), 'n', '" +
         product + "', '" + band + "', 0.2, CURDATE() - INTERVAL " + std::to_string(days_ago) +
         " DAY + INTERVAL 3 HOUR FROM seq_1_to_" + std::to_string(count) + ";\n";
}

const char* const k_check = "  - {id: bands, title: B, kind: mysql, params: {metric: score_bands, min_rows: 20},"
                            " threshold: {warn: 0.1, crit: 0.25}}\n";

} // namespace

TEST_CASE("mysql kind: score-band distribution per product, last month against the month before")
{
  PlatformDatabase db;
  // Month before: 40 days ago; last month: 5 days ago; today and three
  // months ago are outside both windows.
  db.sql("INSERT INTO batch_jobs (id, fileName) VALUES (1, 'lote.csv');\n" + scores("CARTAO", "A", 50, 40) +
         scores("CARTAO", "B", 50, 40) + scores("CARTAO", "A", 50, 5) + scores("CARTAO", "B", 50, 5) +
         scores("CARTAO", "E", 500, 0) + scores("CARTAO", "E", 500, 95) + scores("CONSIGNADO", "A", 5, 40) +
         scores("CONSIGNADO", "A", 5, 5));
  ServiceRunner runner;
  runner.clients.use_database(db);

  SECTION("a stable distribution passes; products with too few rows are named")
  {
    auto result = runner.run_one(k_check);
    CHECK(result.status == Status::pass);
    CHECK(result.value == Approx(0).margin(1e-12));
    CHECK_THAT(result.detail, Catch::StartsWith("CARTAO PSI 0.000") &&
                                  Catch::Contains("too few rows to compare: CONSIGNADO (5 rows last month, 5 "));
    CHECK(result.data["products"]["CARTAO"]["rows_current"] == 100);
    CHECK(result.data["products"]["CARTAO"]["bands"]["A"]["previous"] == 0.5);
  }
  SECTION("a shifted distribution fails with the PSI of the worst product")
  {
    db.sql(scores("EMPRESTIMO", "A", 80, 40) + scores("EMPRESTIMO", "B", 20, 40) + scores("EMPRESTIMO", "A", 20, 5) +
           scores("EMPRESTIMO", "B", 80, 5));
    auto result = runner.run_one(k_check);
    CHECK(result.status == Status::fail);
    double expected = (0.2 - 0.8) * std::log(0.2 / 0.8) + (0.8 - 0.2) * std::log(0.8 / 0.2);
    REQUIRE(result.value);
    CHECK(*result.value == Approx(expected).epsilon(1e-9));
    CHECK_THAT(result.detail, Catch::Contains("EMPRESTIMO PSI 1.664 (band A 80.0 % -> 20.0 %)"));
  }
  SECTION("a band that appears only last month counts, with its share floored")
  {
    db.sql(scores("CARTAO", "C", 10, 5));
    auto result = runner.run_one(k_check);
    REQUIRE(result.value);
    CHECK(*result.value > 0.05);
    CHECK(result.data["products"]["CARTAO"]["bands"]["C"]["previous"] == 0.0);
  }
  SECTION("no product with enough rows in both months is UNKNOWN")
  {
    auto result =
        runner.run_one("  - {id: bands, title: B, kind: mysql, params: {metric: score_bands, min_rows: 500}}\n");
    CHECK(result.status == Status::unknown);
    CHECK_THAT(result.detail, Catch::Contains("no product has 500 scored rows"));
  }
}
