#include "support/temp_dir.hpp"

#include <credguard/core/error.hpp>
#include <credguard/drift/csv_source.hpp>
#include <credguard/drift/pipeline.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <mutex>
#include <random>
#include <sstream>
#include <zlib.h>

using namespace credguard;
using namespace credguard::drift;

namespace {

using Rows = std::vector<std::vector<std::string>>;

// Collects every row with its absolute line, in file order.
class Collect final : public ChunkWork {
public:
  std::uint64_t run(const RowChunk& chunk, std::size_t index) override
  {
    struct Visitor final : RowVisitor {
      std::vector<std::pair<std::uint64_t, std::vector<std::string>>> rows;
      void row(std::span<const std::string_view> cells, std::uint64_t line) override
      {
        rows.emplace_back(line, std::vector<std::string>(cells.begin(), cells.end()));
      }
    } visitor;
    auto lines = chunk.parse(visitor);
    std::lock_guard lock(m_mutex);
    m_chunks.resize(std::max(m_chunks.size(), index + 1));
    m_chunks[index] = std::move(visitor.rows);
    return lines;
  }

  // Rows in order, each with its absolute line.
  std::vector<std::pair<std::uint64_t, std::vector<std::string>>> rows(const LineMap& lines) const
  {
    std::vector<std::pair<std::uint64_t, std::vector<std::string>>> out;
    for (std::size_t c = 0; c < m_chunks.size(); ++c) {
      for (const auto& [line, cells] : m_chunks[c]) {
        out.emplace_back(lines.absolute(c, line), cells);
      }
    }
    return out;
  }

private:
  std::mutex m_mutex;
  std::vector<std::vector<std::pair<std::uint64_t, std::vector<std::string>>>> m_chunks;
};

std::vector<std::pair<std::uint64_t, std::vector<std::string>>> read_all(RowSource& source, unsigned threads = 2)
{
  Collect collect;
  auto lines = for_each_chunk(source, collect, threads);
  return collect.rows(lines);
}

CsvSource from_text(const std::string& text, std::istringstream& in, std::size_t chunk_bytes = 1U << 20)
{
  in.str(text);
  return CsvSource(open_bytes("-", in), chunk_bytes);
}

std::string data_error(const std::function<void()>& action)
{
  try {
    action();
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::data);
    return e.what();
  }
  FAIL("no error");
  return "";
}

void write_gzip(const test::TempDir& dir, const std::string& name, const std::vector<std::string>& members)
{
  std::string bytes;
  for (const auto& member : members) {
    z_stream z{};
    REQUIRE(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    std::string out(compressBound(static_cast<uLong>(member.size())) + 64, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(member.data()));
    z.avail_in = static_cast<uInt>(member.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
    out.resize(z.total_out);
    deflateEnd(&z);
    bytes += out;
  }
  dir.write(name, bytes);
}

} // namespace

TEST_CASE("csv source: the header names the columns, rows carry their line numbers")
{
  std::istringstream in;
  auto source = from_text("\xEF\xBB\xBFid,name\r\n1,\"a\r\nb\"\r\n\r\n2,c\r\n", in);
  CHECK(source.columns() == std::vector<std::string>{"id", "name"});
  CHECK(source.first_line() == 2);
  auto rows = read_all(source);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0] == std::pair<std::uint64_t, std::vector<std::string>>{2, {"1", "a\r\nb"}});
  CHECK(rows[1] == std::pair<std::uint64_t, std::vector<std::string>>{5, {"2", "c"}});
}

TEST_CASE("csv source: rows are the same whatever the chunk size, with quoted line breaks across chunks")
{
  std::mt19937 rng(3);
  std::string text = "a,b,c\n";
  Rows expected;
  std::vector<std::uint64_t> expected_lines;
  const char* values[] = {"1", "x,y", "multi\nline", "q\"q", "", "São", "NA", "\r\n"};
  for (int r = 0; r < 500; ++r) {
    expected_lines.push_back(2 + static_cast<std::uint64_t>(std::count(text.begin(), text.end(), '\n')) - 1);
    std::vector<std::string> row;
    for (int c = 0; c < 3; ++c) {
      std::string v = values[rng() % 8];
      row.push_back(v);
      bool quote = v.find_first_of(",\"\r\n") != std::string::npos || rng() % 5 == 0;
      std::string escaped;
      for (char ch : v) {
        escaped += ch == '"' ? std::string("\"\"") : std::string(1, ch);
      }
      text += (c > 0 ? "," : "") + (quote ? "\"" + escaped + "\"" : v);
    }
    text += r % 2 == 0 ? "\n" : "\r\n";
    expected.push_back(row);
  }
  test::TempDir dir;
  auto path = dir.write("data.csv", text).string();
  for (std::size_t chunk : {1U, 7U, 64U, 1000U, 1U << 20}) {
    for (bool mapped : {false, true}) {
      std::istringstream in;
      auto source = mapped ? CsvSource(open_bytes(path, in), chunk) : from_text(text, in, chunk);
      auto rows = read_all(source, 3);
      Rows got;
      std::vector<std::uint64_t> lines;
      for (auto& [line, cells] : rows) {
        got.push_back(cells);
        lines.push_back(line);
      }
      INFO("chunk bytes " << chunk << (mapped ? ", mapped file" : ", read from a stream"));
      CHECK(got == expected);
      CHECK(lines == expected_lines);
    }
  }
}

TEST_CASE("csv source: a ragged row names the file and its line, also in a later chunk")
{
  test::TempDir dir;
  std::string text = "a,b\n";
  for (int i = 0; i < 1000; ++i) {
    text += i == 700 ? "1,2,3\n" : "1,\"x\ny\"\n";
  }
  auto path = dir.write("data.csv", text);
  std::istringstream unused;
  CsvSource source(open_bytes(path.string(), unused), 256);
  auto message = data_error([&] { read_all(source); });
  CHECK(message == path.string() + ":1402: the row has 3 fields, the header has 2");
}

TEST_CASE("csv source: the earliest of several malformed rows is reported")
{
  std::string text = "a\n";
  for (int i = 0; i < 2000; ++i) {
    text += i == 1500 || i == 300 || i == 1900 ? "bad\"quote\n" : "1\n";
  }
  std::istringstream in;
  auto source = from_text(text, in, 100);
  auto message = data_error([&] { read_all(source, 4); });
  CHECK(message.starts_with("<stdin>:302: a double quote inside an unquoted field"));
}

TEST_CASE("csv source: gzip files, also of several members, read as plain text")
{
  test::TempDir dir;
  write_gzip(dir, "d.csv.gz", {"a,b\n1,2\n", "3,4\n"});
  std::istringstream unused;
  auto source = open_csv((dir / "d.csv.gz").string(), unused);
  CHECK(source->columns() == std::vector<std::string>{"a", "b"});
  auto rows = read_all(*source);
  REQUIRE(rows.size() == 2);
  CHECK(rows[1].second == std::vector<std::string>{"3", "4"});
  source->rewind();
  CHECK(read_all(*source).size() == 2);
}

TEST_CASE("csv source: truncated or corrupt gzip data is bad input naming the file")
{
  test::TempDir dir;
  write_gzip(dir, "full.gz", {std::string(100000, 'x') + "\n"});
  std::string bytes = test::slurp(dir / "full.gz");
  dir.write("cut.gz", bytes.substr(0, bytes.size() / 2));
  std::string corrupt = bytes;
  corrupt[20] = static_cast<char>(corrupt[20] ^ 0x55);
  corrupt[21] = static_cast<char>(corrupt[21] ^ 0x55);
  dir.write("bad.gz", corrupt);
  std::istringstream unused;
  auto cut = (dir / "cut.gz").string();
  CHECK_THAT(data_error([&] { read_all(*open_csv(cut, unused)); }), Catch::Contains(cut + ": compressed data ends"));
  auto bad = (dir / "bad.gz").string();
  CHECK_THAT(data_error([&] { read_all(*open_csv(bad, unused)); }), Catch::Contains(bad));
}

TEST_CASE("csv source: missing files, empty files and duplicate columns are bad input")
{
  test::TempDir dir;
  std::istringstream unused;
  auto missing = (dir / "nope.csv").string();
  CHECK(data_error([&] { open_csv(missing, unused); }) == "cannot open " + missing + ": No such file or directory");
  CHECK_THAT(data_error([&] { open_csv(dir.path().string(), unused); }), Catch::Contains("is a directory"));
  auto empty = dir.write("empty.csv", "\n\n").string();
  CHECK(data_error([&] { open_csv(empty, unused); }) == empty + ": empty file: no header row");
  auto twice = dir.write("twice.csv", "a,b,a\n1,2,3\n").string();
  CHECK(data_error([&] { open_csv(twice, unused); }) == twice + ":1: the header names column 'a' twice");
  auto bad_header = dir.write("utf.csv", "a,\xC3\n").string();
  CHECK_THAT(data_error([&] { open_csv(bad_header, unused); }), Catch::StartsWith(bad_header + ":1: invalid UTF-8"));
}

TEST_CASE("csv source: a header without rows gives no chunks")
{
  std::istringstream in;
  auto source = from_text("a,b", in);
  CHECK(source.columns().size() == 2);
  CHECK(source.next_chunk() == nullptr);
}

TEST_CASE("csv source: standard input cannot be rewound, a file can")
{
  std::istringstream in;
  auto source = from_text("a\n1\n", in);
  CHECK_FALSE(source.rewindable());
  CHECK_THROWS_AS(source.rewind(), Error);
  test::TempDir dir;
  auto file = open_csv(dir.write("f.csv", "a\n1\n2\n").string(), in);
  CHECK(file->rewindable());
  CHECK(read_all(*file).size() == 2);
  file->rewind();
  CHECK(read_all(*file).size() == 2);
}

TEST_CASE("csv source: a header without an end (/dev/zero) stops at the record limit, named")
{
  // It buffered 1.5 GB, then said "no column".
  std::istringstream unused;
  CHECK(data_error([&] { read_all(*open_csv("/dev/zero", unused)); }) ==
        "/dev/zero: header too long: the first record does not end within 16 MiB");
}

TEST_CASE("csv source: a header longer than its cap is refused as too long, from a pipe or a file")
{
  std::string endless(CsvSource::k_max_header + 4096, 'x'); // one column name that never ends
  std::istringstream pipe(endless);
  CHECK(data_error([&] { CsvSource(open_bytes("-", pipe)); }) ==
        "<stdin>: header too long: the first record does not end within 16 MiB");
  test::TempDir dir;
  std::istringstream unused;
  auto quoted = dir.write("quoted.csv", "\"a,b\n" + endless + "\n").string(); // the opening quote never closes
  CHECK(data_error([&] { open_csv(quoted, unused); }) ==
        quoted + ": header too long: the first record does not end within 16 MiB (is a double quote missing?)");
  // A wide header under the cap still reads, and the rows after it.
  std::string wide = "c0";
  for (int i = 1; i < 100'000; ++i) {
    wide += ",c" + std::to_string(i);
  }
  std::istringstream wide_pipe(wide + "\n" + std::string(99'999, ',') + "\n");
  CsvSource source(open_bytes("-", wide_pipe));
  CHECK(source.columns().size() == 100'000);
  CHECK(read_all(source).size() == 1);
}
