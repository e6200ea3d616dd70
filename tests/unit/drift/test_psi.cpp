#include "support/temp_dir.hpp"

#include <credguard/core/error.hpp>
#include <credguard/drift/csv_source.hpp>
#include <credguard/drift/psi.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <random>
#include <sstream>

using namespace credguard;
using namespace credguard::drift;

namespace {

constexpr double k_eps = 1e-4;

// Two CSV files in a temporary directory, compared with `options`.
struct Datasets {
  test::TempDir dir;
  std::string base_path;
  std::string cur_path;
  std::size_t chunk_bytes = 1U << 20;

  Datasets(const std::string& base, const std::string& cur)
    : base_path(dir.write("base.csv", base).string())
    , cur_path(dir.write("cur.csv", cur).string())
  {}

  PsiReport run(PsiOptions options = {}) const
  {
    std::istringstream unused;
    CsvSource base(open_bytes(base_path, unused), chunk_bytes);
    CsvSource cur(open_bytes(cur_path, unused), chunk_bytes);
    return compute_psi(base, cur, options);
  }

  // The message of the Error(kind) that run() throws.
  std::string error(PsiOptions options = {}, ErrorKind kind = ErrorKind::data) const
  {
    try {
      run(std::move(options));
    } catch (const Error& e) {
      CHECK(e.kind() == kind);
      return e.what();
    }
    FAIL("no error");
    return "";
  }
};

std::string column(const std::string& name, const std::vector<std::string>& cells)
{
  std::string text = name + "\n";
  for (const auto& cell : cells) {
    text += cell + "\n";
  }
  return text;
}

double term(double base, double cur)
{
  double b = base == 0 ? k_eps : base;
  double c = cur == 0 ? k_eps : cur;
  return (c - b) * std::log(c / b);
}

} // namespace

TEST_CASE("psi: numeric column, quantile edges on the baseline, missing cells in their own bin")
{
  Datasets data(column("x", {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10"}),
                column("x", {"1", "2", "3", "4", "5", "6", "7", "8", "NA", "null"}));
  PsiOptions options;
  options.bins = 2;
  auto report = data.run(options);
  REQUIRE(report.features.size() == 1);
  const auto& x = report.features[0];
  CHECK(x.kind == FeatureKind::numeric);
  REQUIRE(x.bins.size() == 3);
  CHECK(x.bins[0].label == "(-inf, 5.5]");
  CHECK(x.bins[1].label == "(5.5, +inf)");
  CHECK_FALSE(x.bins[2].label.has_value());
  CHECK(x.bins[1].baseline == 0.5);
  CHECK(x.bins[1].current == 0.3);
  CHECK(x.bins[2].current_count == 2);
  CHECK(x.bins[2].contribution == term(0, 0.2));
  CHECK(x.psi == 0.0 + term(0.5, 0.3) + term(0, 0.2));
  CHECK(x.band == Band::action);
  CHECK(report.max_psi == x.psi);
  CHECK(report.baseline_rows == 10);
}

TEST_CASE("psi: right-closed bins: a current value equal to an edge stays in the lower bin")
{
  Datasets data(column("x", {"1", "2", "3", "4"}), column("x", {"2.5", "2.5", "2.5", "2.5"}));
  PsiOptions options;
  options.bins = 2; // edge at the median, 2.5
  auto report = data.run(options);
  CHECK(report.features[0].bins[0].current == 1.0);
  CHECK(report.features[0].bins[1].current == 0.0);
}

TEST_CASE("psi: a text column is categorical, one bin per value seen in either dataset")
{
  Datasets data(column("color", {"red", "red", "red", "red", "red", "blue", "blue", "blue", "green", "green"}),
                column("color", {"red", "red", "red", "red", "blue", "blue", "blue", "blue", "yellow", "yellow"}));
  auto report = data.run();
  const auto& f = report.features.at(0);
  CHECK(f.kind == FeatureKind::categorical);
  CHECK(f.note.empty());
  std::vector<std::string> labels;
  for (const auto& bin : f.bins) {
    labels.push_back(bin.label.value_or("<missing>"));
  }
  CHECK(labels == std::vector<std::string>{"blue", "green", "red", "yellow", "<missing>"});
  CHECK(f.psi == 0.0 + term(0.3, 0.4) + term(0.2, 0) + term(0.5, 0.4) + term(0, 0.2) + term(0, 0));
}

TEST_CASE("psi: --categorical bins numbers by their text")
{
  Datasets data(column("code", {"1", "01", "1", "2"}), column("code", {"1", "1", "1", "1.0"}));
  PsiOptions options;
  options.categorical = {"code"};
  auto f = data.run(options).features.at(0);
  CHECK(f.kind == FeatureKind::categorical);
  CHECK(f.note.empty());
  REQUIRE(f.bins.size() == 5); // 01, 1, 1.0, 2, missing
  CHECK(f.bins[1].label == "1");
  CHECK(f.bins[1].baseline == 0.5);
  CHECK(f.bins[1].current == 0.75);
}

TEST_CASE("psi: a stray text cell among numbers makes the column categorical and says where")
{
  Datasets data(column("x", {"1", "2", "oops", "4"}), column("x", {"1", "2", "3", "4"}));
  auto f = data.run().features.at(0);
  CHECK(f.kind == FeatureKind::categorical);
  CHECK(f.note == "binned by value: " + data.base_path + ":4 holds 'oops', not a number");

  PsiOptions strict;
  strict.strict = true;
  CHECK(data.error(strict) ==
        data.base_path + ":4: column 'x': 'oops' is not a number, and the column's other cells are numbers (--strict)");
}

TEST_CASE("psi: text far down a column of numbers: the file is read again, as if --categorical")
{
  std::vector<std::string> cells;
  for (int i = 0; i < 3000; ++i) {
    cells.push_back(i == 2500 ? "n/a" : std::to_string(i % 17) + (i % 2 == 0 ? ".0" : ""));
  }
  std::vector<std::string> current(cells.begin(), cells.begin() + 1000);
  Datasets data(column("x", cells), column("x", current));
  data.chunk_bytes = 256; // many chunks: the text cell comes long after the first numbers
  auto detected = data.run();
  PsiOptions declared;
  declared.categorical = {"x"};
  auto expected = data.run(declared);
  const auto& f = detected.features.at(0);
  CHECK(f.kind == FeatureKind::categorical);
  CHECK(f.note == "binned by value: " + data.base_path + ":2502 holds 'n/a', not a number");
  REQUIRE(f.bins.size() == expected.features[0].bins.size());
  for (std::size_t i = 0; i < f.bins.size(); ++i) {
    CHECK(f.bins[i].label == expected.features[0].bins[i].label);
    CHECK(f.bins[i].baseline_count == expected.features[0].bins[i].baseline_count);
  }
  CHECK(f.psi == expected.features[0].psi);
}

TEST_CASE("psi: text in the current dataset of a numeric column")
{
  Datasets data(column("x", {"1", "2", "3", "4"}), column("x", {"1", "2", "3", "four"}));
  auto f = data.run().features.at(0);
  CHECK(f.kind == FeatureKind::categorical);
  CHECK(f.note == "binned by value: " + data.cur_path + ":5 holds 'four', not a number");
  CHECK(f.bins.size() == 6); // 1 2 3 4 four, missing
  PsiOptions strict;
  strict.strict = true;
  CHECK(data.error(strict) ==
        data.cur_path + ":5: column 'x': 'four' is not a number, and the column is numeric in the baseline (--strict)");
}

TEST_CASE("psi: standard input cannot be read twice for a late text cell")
{
  std::string base = "x\n";
  for (int i = 0; i < 2000; ++i) {
    base += i == 1900 ? "text\n" : "1\n";
  }
  std::istringstream in(base);
  CsvSource baseline(open_bytes("-", in), 128);
  test::TempDir dir;
  CsvSource current(open_bytes(dir.write("c.csv", "x\n1\n").string(), in));
  try {
    compute_psi(baseline, current, {});
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::data);
    CHECK_THAT(e.what(), Catch::StartsWith("<stdin>: a column of numbers holds text far down (binned by value: "
                                           "<stdin>:1902 holds 'text'"));
    CHECK_THAT(e.hint(), Catch::Contains("--categorical"));
  }
}

TEST_CASE("psi: epsilon replaces zero proportions")
{
  Datasets data(column("c", {"a", "a"}), column("c", {"b", "b"}));
  PsiOptions options;
  options.epsilon = 0.01;
  auto f = data.run(options).features.at(0);
  CHECK(f.bins[0].contribution == (0.01 - 1.0) * std::log(0.01 / 1.0));
  CHECK(f.bins[0].current == 0.0); // the proportion itself is reported as it is
  CHECK(f.psi == 0.0 + (0.01 - 1.0) * std::log(0.01 / 1.0) + (1.0 - 0.01) * std::log(1.0 / 0.01) + 0.0);

  // The same arithmetic, public for the other PSI users (the monthly score bands).
  CHECK(psi_contribution(1.0, 0.0, 0.01) == f.bins[0].contribution);
  CHECK(psi_contribution(0.0, 1.0, 0.01) == f.bins[1].contribution);
  CHECK(psi_contribution(0.25, 0.5, 0.01) == (0.5 - 0.25) * std::log(0.5 / 0.25));
  CHECK(psi_contribution(0.0, 0.0, 0.01) == 0.0);
}

TEST_CASE("psi: uniform binning spans the baseline's range, open at both ends")
{
  Datasets data(column("x", {"0", "10"}), column("x", {"-5", "2", "9", "11"}));
  PsiOptions options;
  options.binning = Binning::uniform;
  options.bins = 5;
  auto f = data.run(options).features.at(0);
  REQUIRE(f.bins.size() == 6);
  CHECK(f.bins[0].label == "(-inf, 2]");
  CHECK(f.bins[0].current_count == 2); // -5 and 2
  CHECK(f.bins[4].label == "(8, +inf)");
  CHECK(f.bins[4].current_count == 2); // 9 and 11
}

TEST_CASE("psi: bands and exit codes by the worst feature")
{
  CHECK(band_of(0.0) == Band::stable);
  CHECK(band_of(std::nextafter(0.1, 0.0)) == Band::stable);
  CHECK(band_of(0.1) == Band::attention);
  CHECK(band_of(std::nextafter(0.25, 0.0)) == Band::attention);
  CHECK(band_of(0.25) == Band::action);
  CHECK(exit_code(Band::stable) == ExitCode::ok);
  CHECK(exit_code(Band::attention) == ExitCode::warning);
  CHECK(exit_code(Band::action) == ExitCode::critical);

  Datasets data("a,b\n1,x\n2,x\n3,y\n4,y\n", "a,b\n1,x\n2,x\n3,y\n4,x\n");
  auto report = data.run();
  CHECK(report.features[0].band == Band::stable);
  CHECK(report.features[1].band == Band::action);
  CHECK(report.band == Band::action);
  CHECK(report.max_psi == report.features[1].psi);
}

TEST_CASE("psi: the same result on one thread and on many, whatever the chunk size")
{
  std::mt19937_64 rng(11);
  std::normal_distribution<double> normal(50, 10);
  auto make = [&](double shift) {
    std::string text = "n,k,c\n";
    for (int i = 0; i < 5000; ++i) {
      text += (i % 50 == 0 ? std::string("NA") : std::to_string(normal(rng) + shift)) + "," +
              std::to_string(static_cast<int>(normal(rng)) % 7) + "," + (i % 3 == 0 ? "\"a,b\"" : "c") + "\n";
    }
    return text;
  };
  Datasets data(make(0), make(2));
  PsiOptions one;
  one.threads = 1;
  auto expected = data.run(one);
  data.chunk_bytes = 300;
  PsiOptions many;
  many.threads = 4;
  auto got = data.run(many);
  REQUIRE(got.features.size() == 3);
  for (std::size_t f = 0; f < 3; ++f) {
    CHECK(got.features[f].psi == expected.features[f].psi);
    CHECK(got.features[f].bins.size() == expected.features[f].bins.size());
  }
  CHECK(to_json(got) == to_json(expected));
}

TEST_CASE("psi: bad input is one error naming the file")
{
  Datasets data("a,b\n1,2\n", "a\n1\n");
  CHECK(data.error() == data.cur_path + ": no column 'b' (it is in " + data.base_path + ")");
  Datasets extra("a\n1\n", "a,z\n1,2\n");
  CHECK(extra.error() ==
        extra.base_path + ": no column 'z' (it is in " + extra.cur_path + "); choose columns with --features");
  PsiOptions only_z;
  only_z.features = {"a", "zz"};
  CHECK(extra.error(only_z) == extra.base_path + ": no column 'zz'");
  PsiOptions cat;
  cat.features = {"a"};
  cat.categorical = {"z"};
  CHECK(extra.error(cat, ErrorKind::usage) == "--categorical z: not one of the features");

  Datasets empty("a\n", "a\n1\n");
  CHECK(empty.error() == empty.base_path + ": no data rows");
  Datasets empty_current("a\n1\n", "a\n");
  CHECK(empty_current.error() == empty_current.cur_path + ": no data rows");
  Datasets all_missing("a,b\n1,NA\n2,\n", "a,b\n1,2\n");
  CHECK(all_missing.error() == all_missing.base_path + ": column 'b' has no values: every cell is missing");
  Datasets current_missing("a\n1\n", "a\nnull\n");
  CHECK(current_missing.error() == current_missing.cur_path + ": column 'a' has no values: every cell is missing");
  Datasets ragged("a,b\n1,2\n3\n", "a,b\n1,2\n");
  CHECK(ragged.error() == ragged.base_path + ":3: the row has 1 field, the header has 2");
}

TEST_CASE("psi: options out of range are usage errors")
{
  Datasets data("a\n1\n", "a\n1\n");
  PsiOptions bins;
  bins.bins = 1;
  CHECK(data.error(bins, ErrorKind::usage) == "--bins 1: expected 2 to 1000");
  PsiOptions eps;
  eps.epsilon = 0;
  CHECK(data.error(eps, ErrorKind::usage) == "--epsilon 0: expected a number above 0 and below 1");
}

TEST_CASE("psi: the JSON document has the documented shape")
{
  Datasets data(column("x", {"1", "2", "3", "4"}), column("x", {"1", "2", "3", "NA"}));
  PsiOptions options;
  options.bins = 2;
  auto json = to_json(data.run(options));
  std::vector<std::string> keys;
  for (const auto& item : json.items()) {
    keys.push_back(item.key());
  }
  CHECK(keys == std::vector<std::string>{"schema_version", "features", "max_psi", "band"});
  CHECK(json["schema_version"] == 1);
  const auto& f = json["features"][0];
  CHECK(f["name"] == "x");
  CHECK(f["kind"] == "numeric");
  CHECK(f["band"] == "action");
  CHECK(f["bins"][0] ==
        nlohmann::ordered_json{{"label", "(-inf, 2.5]"}, {"baseline", 0.5}, {"current", 0.5}, {"contribution", 0.0}});
  CHECK(f["bins"][2]["label"].is_null());
  CHECK(json["max_psi"].get<double>() == f["psi"].get<double>());
  // Full precision: the printed number reads back as the same double.
  CHECK(nlohmann::json::parse(json.dump())["max_psi"].get<double>() == json["max_psi"].get<double>());
}

TEST_CASE("psi: features resolve by name for 40k columns in another order")
{
  // Before the columns were indexed this took 17.8 s (release) and 192 s
  // (dev build) for the 40k x 40k name compares; now about 2 s in a dev build.
  // Speed is for benchmarks, not tests: this checks the answer.
  std::string base_header;
  std::string cur_header;
  for (int i = 0; i < 40'000; ++i) {
    base_header += (i == 0 ? "c" : ",c") + std::to_string(i);
  }
  for (int i = 39'998; i >= 0; --i) { // the current file names them backwards, without c39999
    cur_header += (i == 39'998 ? "c" : ",c") + std::to_string(i);
  }
  Datasets data(base_header + "\n", cur_header + "\n");
  // Every feature but the last is found in both before the last is missed.
  CHECK(data.error() == data.cur_path + ": no column 'c39999' (it is in " + data.base_path + ")");
}
