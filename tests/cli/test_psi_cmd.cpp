#include "cmd/psi/psi.hpp"
#include "harness.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace credguard;
using namespace credguard::cli;

namespace {

const std::string k_base = "score,product\n0.1,A\n0.2,A\n0.3,B\n0.4,B\n0.5,B\nNA,A\n";
const std::string k_same = k_base;
const std::string k_drifted = "score,product\n0.45,B\n0.5,B\n0.35,B\n0.9,B\n0.8,A\n0.7,A\n";

PsiOptions parsed(const std::vector<std::string>& argv)
{
  test::CliHarness h;
  Context ctx(Io{h.out, h.err, h.in, false, false, false, false}, h.clock, h.env);
  CLI::App app;
  PsiOptions seen;
  add_psi_verb(*app.add_subcommand("psi"), ctx, [&](const PsiOptions& options, Context&) {
    seen = options;
    return 0;
  });
  std::vector<std::string> args(argv.rbegin(), argv.rend());
  app.parse(args);
  REQUIRE(ctx.action);
  ctx.action();
  return seen;
}

} // namespace

TEST_CASE("psi cli: argv becomes options")
{
  auto o = parsed({"psi", "--baseline", "b.csv", "--current", "-", "--features", "a,b", "--categorical", "b", "--bins",
                   "5", "--binning", "uniform", "--epsilon", "0.01", "--strict", "-o", "out.json"});
  CHECK(o.baseline == "b.csv");
  CHECK(o.current == "-");
  CHECK(o.features == std::vector<std::string>{"a", "b"});
  CHECK(o.categorical == std::vector<std::string>{"b"});
  CHECK(o.bins == 5);
  CHECK(o.binning == "uniform");
  CHECK(o.epsilon == 0.01);
  CHECK(o.strict);
  CHECK(o.output_file == "out.json");

  auto defaults = parsed({"psi", "--baseline", "b", "--current", "c"});
  CHECK(defaults.bins == 10);
  CHECK(defaults.binning == "quantile");
  CHECK(defaults.epsilon == 1e-4);
  CHECK_FALSE(defaults.strict);

  auto sql = parsed({"psi", "--baseline-sql", "SELECT a FROM t", "--current", "c.csv"});
  CHECK(sql.baseline.empty());
  CHECK(sql.baseline_sql == "SELECT a FROM t");
  CHECK(sql.current == "c.csv");
  CHECK(parsed({"psi", "--baseline", "b", "--current-sql", "SELECT 1"}).current_sql == "SELECT 1");
}

TEST_CASE("psi cli: bad flags are usage errors (exit 64)")
{
  test::CliHarness h;
  auto base = h.home.write("b.csv", k_base).string();
  CHECK(h.run({"psi", "--baseline", base}) == 64);
  CHECK(h.err.str().find("give one of --current FILE and --current-sql QUERY") != std::string::npos);
  CHECK(h.run({"psi", "--baseline", base, "--baseline-sql", "SELECT 1", "--current", base}) == 64);
  CHECK(h.run({"psi", "--current", base}) == 64);
  CHECK(h.run({"psi", "--baseline", base, "--current", base, "--bins", "1"}) == 64);
  CHECK(h.run({"psi", "--baseline", base, "--current", base, "--binning", "deciles"}) == 64);
  CHECK(h.run({"psi", "--baseline", "-", "--current", "-"}) == 64);
  CHECK(h.err.str().find("cannot both be standard input") != std::string::npos);
  CHECK(h.run({"psi", "--baseline", base, "--current", base, "--output", "junit"}) == 64);
  CHECK(h.run({"psi", "--baseline", base, "--current", base, "--epsilon", "0"}) == 64);
  CHECK(h.out.str().empty());
}

TEST_CASE("psi cli: exit status follows the worst band, JSON is the documented document")
{
  test::CliHarness h;
  auto base = h.home.write("b.csv", k_base).string();
  auto same = h.home.write("same.csv", k_same).string();
  auto drifted = h.home.write("drifted.csv", k_drifted).string();
  CHECK(h.run({"psi", "--baseline", base, "--current", same, "--bins", "2"}) == 0);
  CHECK(h.out.str().find("stable") != std::string::npos);

  CHECK(h.run({"psi", "--baseline", base, "--current", drifted, "--bins", "2", "--output", "json"}) == 2);
  auto json = nlohmann::json::parse(h.out.str());
  CHECK(json["schema_version"] == 1);
  CHECK(json["band"] == "action");
  REQUIRE(json["features"].size() == 2);
  CHECK(json["features"][0]["name"] == "score");
  CHECK(json["features"][0]["kind"] == "numeric");
  CHECK(json["features"][1]["kind"] == "categorical");
  CHECK(json["max_psi"].get<double>() >= 0.25);
}

TEST_CASE("psi cli: the table names the top contributing bins")
{
  test::CliHarness h;
  auto base = h.home.write("b.csv", k_base).string();
  auto drifted = h.home.write("drifted.csv", k_drifted).string();
  CHECK(h.run({"psi", "--baseline", base, "--current", drifted, "--bins", "2", "--features", "score"}) == 2);
  auto out = h.out.str();
  CHECK(out.find("FEATURE  KIND     PSI") == 0);
  CHECK(
      out.find("(-inf, 0.3] 50.0%->0.0% (+4.26); (missing) 16.7%->0.0% (+1.24); (0.3, +inf) 33.3%->100.0% (+0.732)") !=
      std::string::npos);
  CHECK(out.find("max PSI ") != std::string::npos);
  CHECK(out.find("product") == std::string::npos);
}

TEST_CASE("psi cli: standard input as the current dataset")
{
  test::CliHarness h;
  auto base = h.home.write("b.csv", k_base).string();
  h.in.str(k_drifted);
  CHECK(h.run({"psi", "--baseline", base, "--current", "-", "--output", "json"}) == 2);
  CHECK(nlohmann::json::parse(h.out.str())["features"].size() == 2);
}

TEST_CASE("psi cli: -o writes the file atomically, bad input writes nothing (exit 65)")
{
  test::CliHarness h;
  auto base = h.home.write("b.csv", k_base).string();
  auto drifted = h.home.write("drifted.csv", k_drifted).string();
  auto out = h.home / "out" / "psi.json";
  CHECK(h.run({"psi", "--baseline", base, "--current", drifted, "--output", "json", "-o", out.string()}) == 2);
  CHECK(h.out.str().empty());
  CHECK(nlohmann::json::parse(test::slurp(out))["schema_version"] == 1);

  auto ragged = h.home.write("ragged.csv", "score,product\n0.1,A\n0.2\n").string();
  auto failed = h.home / "failed.json";
  CHECK(h.run({"psi", "--baseline", base, "--current", ragged, "-o", failed.string()}) == 65);
  CHECK(h.err.str() == "credguard: error: " + ragged + ":3: the row has 1 field, the header has 2\n");
  CHECK(h.out.str().empty());
  CHECK_FALSE(std::filesystem::exists(failed));
}

TEST_CASE("psi cli: a column of numbers with a text cell is binned by value, and the output says so")
{
  test::CliHarness h;
  auto base = h.home.write("b.csv", "x\n1\n2\noops\n").string();
  auto cur = h.home.write("c.csv", "x\n1\n2\n3\n").string();
  CHECK(h.run({"psi", "--baseline", base, "--current", cur}) == 2);
  CHECK(h.out.str().find("categorical*") != std::string::npos);
  CHECK(h.out.str().find("* x: binned by value: " + base + ":4 holds 'oops', not a number") != std::string::npos);
  CHECK(h.err.str().find("warning: column 'x' is binned by value") != std::string::npos);
  CHECK(h.run({"psi", "--baseline", base, "--current", cur, "--strict"}) == 65);
  CHECK(h.out.str().empty());
}
