#include <credguard/core/error.hpp>
#include <credguard/drift/csv_source.hpp>
#include <credguard/drift/psi.hpp>
#include <credguard/drift/table_source.hpp>

#include <catch2/catch.hpp>

#include <sstream>

using namespace credguard;
using namespace credguard::drift;

namespace {

using Rows = std::vector<std::vector<TableSource::Cell>>;

struct Collect : RowVisitor {
  std::vector<std::string> rows; // cells joined by '|', then "@line"
  void row(std::span<const std::string_view> cells, std::uint64_t line) override
  {
    std::string text;
    for (auto cell : cells) {
      text += std::string(cell) + "|";
    }
    rows.push_back(text + "@" + std::to_string(line));
  }
};

std::string error_of(const std::function<void()>& make)
{
  try {
    make();
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::data);
    return e.what();
  }
  FAIL("no error");
  return "";
}

} // namespace

TEST_CASE("table source: rows in chunks, NULL as an empty cell, rewindable")
{
  TableSource source("q", {"a", "b"}, Rows{{"1", std::nullopt}, {"2", "x"}, {"3", ""}}, 2);
  CHECK(source.columns() == std::vector<std::string>{"a", "b"});
  CHECK(source.first_line() == 1);
  CHECK(source.rewindable());
  Collect seen;
  std::vector<std::uint64_t> spans;
  while (auto chunk = source.next_chunk()) {
    spans.push_back(chunk->parse(seen));
  }
  CHECK(seen.rows == std::vector<std::string>{"1||@0", "2|x|@1", "3||@0"});
  CHECK(spans == std::vector<std::uint64_t>{2, 1});
  CHECK(source.next_chunk() == nullptr);
  source.rewind();
  REQUIRE(source.next_chunk() != nullptr);
}

TEST_CASE("table source: repeated columns and short rows are bad input naming the table and row")
{
  CHECK(error_of([] {
          TableSource("--baseline-sql", {"a", "a"}, Rows{});
        }) == "--baseline-sql: the column 'a' comes twice; name the columns apart (AS)");
  CHECK(error_of([] {
          TableSource("q", {"a", "b"}, Rows{{"1", "2"}, {"1"}});
        }) == "q:2: the row has 1 cell, there are 2 columns");
}

TEST_CASE("table source: the PSI of a table equals that of the same rows in CSV")
{
  Rows base_rows;
  Rows cur_rows;
  std::string base_csv = "x,kind\n";
  std::string cur_csv = "x,kind\n";
  for (int i = 0; i < 500; ++i) {
    auto x = i % 17 == 0 ? std::optional<std::string>() : std::to_string(i % 41) + ".5";
    auto kind = std::string(i % 3 == 0 ? "p" : "q");
    base_rows.push_back({x, kind});
    base_csv += x.value_or("") + "," + kind + "\n";
    auto y = std::to_string((i * 7) % 53);
    cur_rows.push_back({y, kind + (i % 5 == 0 ? "r" : "")});
    cur_csv += y + "," + kind + (i % 5 == 0 ? "r" : "") + "\n";
  }
  TableSource base_table("b", {"x", "kind"}, base_rows, 64);
  TableSource cur_table("c", {"x", "kind"}, cur_rows, 100);
  auto from_tables = to_json(compute_psi(base_table, cur_table, {}));

  std::istringstream base_in(base_csv);
  std::istringstream cur_in(cur_csv);
  auto base_file = open_csv("-", base_in);
  auto cur_file = open_csv("-", cur_in);
  auto from_files = to_json(compute_psi(*base_file, *cur_file, {}));
  CHECK(from_tables == from_files);
  CHECK(from_tables["max_psi"].get<double>() > 0.25);
}
