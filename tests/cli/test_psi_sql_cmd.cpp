// psi with --baseline-sql / --current-sql against a real MariaDB (the ctest
// fixture): the rows of a query are a dataset like a CSV file's.
#include "harness.hpp"
#include "support/mariadb.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace credguard;
using namespace credguard::test;

namespace {

// Scores of batch `job`: `count` rows whose score steps by `step` from
// `start`, band by score, every 10th row without a purchase count (NULL).
std::string scores(int job, int count, double start, double step)
{
  return "INSERT INTO customer_scores (batchJobId, cpf, nome, produto, faixaScore, scoreProbInadimplencia, "
         "dataProcessamento, total_compras) SELECT " +
         std::to_string(job) + ", LPAD(seq, 11, '0'), 'n', 'CARTAO', IF(seq % 3 = 0, 'A', 'B'), " +
         std::to_string(start) + " + seq * " + std::to_string(step) +
         ", NOW(), IF(seq % 10 = 0, NULL, seq % 7) FROM seq_1_to_" + std::to_string(count) + ";\n";
}

const std::string k_query = "SELECT scoreProbInadimplencia AS score, faixaScore AS band, total_compras AS purchases "
                            "FROM customer_scores WHERE batchJobId = ";

struct PsiDb : CliHarness {
  PsiDb()
  {
    db.sql("INSERT INTO batch_jobs (id, fileName) VALUES (1, 'a.csv'), (2, 'b.csv');\n" + scores(1, 200, 0.1, 0.002) +
           scores(2, 150, 0.3, 0.003));
    env.set("CG_DB_PASSWORD", k_mariadb_password);
    config = home.write("config.yaml", db.config_yaml("env:CG_DB_PASSWORD")).string();
  }
  int psi(std::vector<std::string> args)
  {
    args.insert(args.begin(), {"--config", config, "psi"});
    return run(args);
  }
  // The rows of `sql` as a CSV file with the query's columns, as the
  // mariadb client prints them (tab-separated, NULL for null: empty here).
  std::string csv(const std::string& name, const std::string& sql)
  {
    std::string text = "score,band,purchases\n";
    std::string field;
    for (char c : db.sql(sql)) {
      if (c == '\t' || c == '\n') {
        text += (field == "NULL" ? "" : field) + (c == '\t' ? ',' : '\n');
        field.clear();
      } else {
        field += c;
      }
    }
    return home.write(name, text).string();
  }
  PlatformDatabase db;
  std::string config;
};

} // namespace

TEST_CASE("psi sql: query results give the same PSI as the same rows in CSV files")
{
  PsiDb h;
  REQUIRE(h.psi({"--baseline-sql", k_query + "1", "--current-sql", k_query + "2", "--output", "json"}) == 2);
  auto from_sql = nlohmann::json::parse(h.out.str());
  REQUIRE(from_sql["features"].size() == 3);
  CHECK(from_sql["features"][0]["kind"] == "numeric");
  CHECK(from_sql["features"][1]["kind"] == "categorical");
  // NULL purchase counts are the missing bin: 20 of 200 and 15 of 150.
  auto purchases = from_sql["features"][2]["bins"];
  CHECK(purchases.back()["label"].is_null());
  CHECK(purchases.back()["baseline"] == 0.1);
  CHECK(purchases.back()["current"] == 0.1);

  auto base_csv = h.csv("base.csv", k_query + "1");
  auto cur_csv = h.csv("cur.csv", k_query + "2");
  REQUIRE(h.psi({"--baseline", base_csv, "--current", cur_csv, "--output", "json"}) == 2);
  auto from_csv = nlohmann::json::parse(h.out.str());
  CHECK(from_sql["features"] == from_csv["features"]);
  CHECK(from_sql["max_psi"].get<double>() == from_csv["max_psi"].get<double>());

  // A file on one side, a query on the other.
  REQUIRE(h.psi({"--baseline", base_csv, "--current-sql", k_query + "2", "--output", "json"}) == 2);
  CHECK(nlohmann::json::parse(h.out.str())["features"] == from_csv["features"]);
  REQUIRE(h.psi({"--baseline-sql", k_query + "1", "--current-sql", k_query + "1", "--features", "score"}) == 0);
  CHECK(h.err.str().find(k_mariadb_password) == std::string::npos);
  CHECK(h.out.str().find(k_mariadb_password) == std::string::npos);
}

TEST_CASE("psi sql: a bad query or an empty result is bad input, exit 65, nothing printed")
{
  PsiDb h;
  CHECK(h.psi({"--baseline-sql", "SELECT nope FROM customer_scores", "--current-sql", k_query + "2"}) == 65);
  CHECK(h.out.str().empty());
  CHECK(h.err.str().find("127.0.0.1:" + std::to_string(h.db.server().port)) != std::string::npos);
  CHECK(h.err.str().find(k_mariadb_password) == std::string::npos);

  CHECK(h.psi({"--baseline-sql", k_query + "1", "--current-sql", k_query + "99"}) == 65);
  CHECK(h.out.str().empty());
  CHECK_THAT(h.err.str(), Catch::Contains("--current-sql (MySQL 127.0.0.1:") && Catch::Contains("no data rows"));
}

TEST_CASE("psi sql: without a configured database the query is a config error naming the key")
{
  CliHarness h;
  auto base = h.home.write("b.csv", "x\n1\n2\n").string();
  CHECK(h.run({"psi", "--baseline", base, "--current-sql", "SELECT 1 AS x"}) == 78);
  CHECK_THAT(h.err.str(), Catch::Contains("--current-sql needs the platform database: mysql.host is not set"));
  CHECK(h.out.str().empty());
}
