#include "binary.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <zlib.h>

using namespace credguard;

namespace {

const std::string k_base = "\xEF\xBB\xBFid,income,segment\r\n"
                           "1,1000.5,\"A, retail\"\r\n"
                           "2,2000,B\r\n"
                           "3,,\"A, retail\"\r\n"
                           "4,4000,\"São \"\"Paulo\"\"\"\r\n";
const std::string k_current = "id,income,segment\n1,1000.5,B\n2,5000,B\n3,NA,B\n4,4000,\"A, retail\"\n";

void write_gzip(const std::filesystem::path& path, const std::string& text)
{
  gzFile file = gzopen(path.c_str(), "wb");
  REQUIRE(file != nullptr);
  REQUIRE(gzwrite(file, text.data(), static_cast<unsigned>(text.size())) == static_cast<int>(text.size()));
  REQUIRE(gzclose(file) == Z_OK);
}

} // namespace

TEST_CASE("psi e2e: JSON from a gzip baseline and a current dataset on standard input")
{
  test::Binary credguard;
  auto base = credguard.home / "base.csv.gz";
  write_gzip(base, k_base);
  auto result = credguard.run({"psi", "--baseline", base.string(), "--current", "-", "--features", "income,segment",
                               "--bins", "2", "--output", "json"},
                              k_current);
  INFO(result.err);
  CHECK(result.exit_code == 2);
  auto json = nlohmann::json::parse(result.out);
  CHECK(json["schema_version"] == 1);
  REQUIRE(json["features"].size() == 2);
  const auto& income = json["features"][0];
  CHECK(income["name"] == "income");
  CHECK(income["kind"] == "numeric");
  // Edges: the median of 1000.5, 2000, 4000 is 2000: (-inf, 2000], (2000, +inf), missing.
  REQUIRE(income["bins"].size() == 3);
  CHECK(income["bins"][0]["label"] == "(-inf, 2000]");
  CHECK(income["bins"][0]["baseline"] == 0.5);
  CHECK(income["bins"][2]["label"].is_null());
  CHECK(income["bins"][2]["baseline"] == 0.25);
  const auto& segment = json["features"][1];
  CHECK(segment["kind"] == "categorical");
  CHECK(segment["bins"][0]["label"] == "A, retail");
  CHECK(segment["bins"][2]["label"] == "São \"Paulo\"");
  for (const auto& feature : json["features"]) {
    for (const auto& key : {"name", "kind", "psi", "band", "bins"}) {
      CHECK(feature.contains(key));
    }
  }
  double max_psi = std::max(income["psi"].get<double>(), segment["psi"].get<double>());
  CHECK(json["max_psi"].get<double>() == max_psi);
  CHECK(json["band"] == (max_psi >= 0.25 ? "action" : max_psi >= 0.1 ? "attention" : "stable"));
}

TEST_CASE("psi e2e: the same data gives PSI 0 and exit 0")
{
  test::Binary credguard;
  auto base = credguard.home.write("base.csv", k_base);
  auto result = credguard.run({"psi", "--baseline", base.string(), "--current", base.string()});
  CHECK(result.exit_code == 0);
  CHECK(result.out.find("max PSI 0 (id): stable") != std::string::npos);
}

TEST_CASE("psi e2e: each kind of bad input is one error, exit 65, and nothing written")
{
  test::Binary credguard;
  auto base = credguard.home.write("base.csv", k_base).string();
  struct Case {
    std::string name;
    std::string current;  // file content; empty: the file does not exist
    std::string expected; // the error line after "credguard: error: <path>"
    std::vector<std::string> extra;
  };
  std::vector<Case> cases = {
      {"missing.csv", "", ": No such file or directory", {}},
      {"absent.csv", "id,income\n1,2\n", ": no column 'segment' (it is in ", {}},
      {"ragged.csv", "id,income,segment\n1,2,A\n3,4\n", ":3: the row has 2 fields, the header has 3", {}},
      {"utf8.csv", "id,income,segment\n1,2,\xE9t\xE9\n", ":2: invalid UTF-8 (byte 0xE9)", {}},
      {"empty.csv", "id,income,segment\n", ": no data rows", {}},
      {"allmissing.csv", "id,income,segment\n1,NA,A\n2,,B\n", ": column 'income' has no values", {}},
      {"quote.csv", "id,income,segment\n1,2,\"open\n", ":2: a quoted field is not closed", {}},
      {"strict.csv", "id,income,segment\n1,n/a,A\n", ":2: column 'income': 'n/a' is not a number", {"--strict"}},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto path = credguard.home / c.name;
    if (!c.current.empty()) {
      credguard.home.write(c.name, c.current);
    }
    auto out = credguard.home / ("out-" + c.name + ".json");
    std::vector<std::string> args{"psi", "--baseline", base, "--current", path.string(), "-o", out.string()};
    args.insert(args.end(), c.extra.begin(), c.extra.end());
    auto result = credguard.run(args);
    CHECK(result.exit_code == 65);
    CHECK(result.out.empty());
    CHECK_FALSE(std::filesystem::exists(out));
    CHECK(result.err.find(path.string() + c.expected) != std::string::npos);
    CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
  }
}
