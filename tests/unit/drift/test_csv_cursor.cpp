#include <credguard/drift/csv_cursor.hpp>
#include <credguard/drift/row_source.hpp>

#include <catch2/catch.hpp>

using namespace credguard::drift;

namespace {

using Records = std::vector<std::vector<std::string>>;

Records parse_all(std::string_view text)
{
  CsvCursor cursor(text);
  std::vector<std::string_view> fields;
  std::uint64_t line = 0;
  Records out;
  while (cursor.next(fields, line)) {
    out.emplace_back(fields.begin(), fields.end());
  }
  return out;
}

// The ChunkError's line and message for text that must not parse.
std::pair<std::uint64_t, std::string> error_of(std::string_view text)
{
  try {
    parse_all(text);
  } catch (const ChunkError& e) {
    return {e.line(), e.what()};
  }
  FAIL("no error for: " << text);
  return {};
}

} // namespace

TEST_CASE("csv cursor: plain records, empty fields and a missing final line break")
{
  CHECK(parse_all("a,b,c\n1,,3\n,,\n4,5,6") == Records{{"a", "b", "c"}, {"1", "", "3"}, {"", "", ""}, {"4", "5", "6"}});
  CHECK(parse_all("x\n") == Records{{"x"}});
  CHECK(parse_all("a,\n") == Records{{"a", ""}});
  CHECK(parse_all("").empty());
}

TEST_CASE("csv cursor: quoted fields hold commas, line breaks and doubled quotes")
{
  CHECK(parse_all("\"a,b\",c\n") == Records{{"a,b", "c"}});
  CHECK(parse_all("\"line 1\nline 2\",x\n") == Records{{"line 1\nline 2", "x"}});
  CHECK(parse_all("\"say \"\"hi\"\"\",\"\"\"\",\"\"\n") == Records{{"say \"hi\"", "\"", ""}});
  CHECK(parse_all("\"crlf\r\ninside\",y\r\n") == Records{{"crlf\r\ninside", "y"}});
  CHECK(parse_all("\"last\"") == Records{{"last"}});
}

TEST_CASE("csv cursor: CRLF ends records, a lone CR is data")
{
  CHECK(parse_all("a,b\r\n1,2\r\n") == Records{{"a", "b"}, {"1", "2"}});
  CHECK(parse_all("a\rb,c\n") == Records{{"a\rb", "c"}});
}

TEST_CASE("csv cursor: blank lines are skipped and lines are counted across quoted line breaks")
{
  CsvCursor cursor("a\n\n\r\n\"x\ny\"\nb\n");
  std::vector<std::string_view> fields;
  std::uint64_t line = 0;
  REQUIRE(cursor.next(fields, line));
  CHECK(line == 0);
  REQUIRE(cursor.next(fields, line));
  CHECK(fields.at(0) == "x\ny");
  CHECK(line == 3); // after "a" and two blank lines
  REQUIRE(cursor.next(fields, line));
  CHECK(fields.at(0) == "b");
  CHECK(line == 5);
  CHECK_FALSE(cursor.next(fields, line));
  CHECK(cursor.lines() == 6);
}

TEST_CASE("csv cursor: UTF-8 text is kept as is")
{
  CHECK(parse_all("São Paulo,\xE2\x82\xAC,\xF0\x9F\x98\x80\n") == Records{{"São Paulo", "€", "\xF0\x9F\x98\x80"}});
  CHECK(parse_all("\"Jo\xC3\xA3o, \"\"J\"\"\"\n") == Records{{"João, \"J\""}});
}

TEST_CASE("csv cursor: malformed input names the line")
{
  auto [line, message] = error_of("a,b\n1,x\"y\n");
  CHECK(line == 1);
  CHECK_THAT(message, Catch::Contains("double quote inside an unquoted field"));

  std::tie(line, message) = error_of("a\n\"ok\"x\n");
  CHECK(line == 1);
  CHECK_THAT(message, Catch::Contains("after a closing double quote"));

  std::tie(line, message) = error_of("a\nb\n\"open\n\n\nnever closed\n");
  CHECK(line == 2); // where the quote opened
  CHECK_THAT(message, Catch::Contains("not closed"));
}

TEST_CASE("csv cursor: invalid UTF-8 is an error naming the byte and line")
{
  struct Case {
    std::string bytes;
    std::string why;
  };
  for (const auto& c :
       {Case{"\xFF", "never valid"}, Case{"\xC0\x80", "overlong"}, Case{"\xE0\x80\xAF", "overlong 3"},
        Case{"\xED\xA0\x80", "surrogate"}, Case{"\xF4\x90\x80\x80", "above U+10FFFF"}, Case{"\xE2\x82", "truncated"},
        Case{"\x80", "lone continuation"}, Case{"\"\xC3\x28\"", "bad continuation inside quotes"}}) {
    INFO(c.why);
    auto [line, message] = error_of("ok\nstill ok\n" + c.bytes + "\n");
    CHECK(line == 2);
    CHECK_THAT(message, Catch::Contains("invalid UTF-8"));
  }
}

TEST_CASE("csv cursor: the last whole record is found by quote parity")
{
  CHECK(last_record_end("a,b\n1,2\n3,") == 8);
  CHECK(last_record_end("a,b\n\"1\n2\",3") == 4); // the second line break is inside quotes
  CHECK(last_record_end("\"x\ny\"\nz") == 6);
  CHECK(last_record_end("no line break") == 0);
  CHECK(last_record_end("\"open\n") == 0);
  CHECK(last_record_end("\"a\"\"\nb\"\nc") == 8); // a doubled quote keeps the parity
}

TEST_CASE("csv cursor: a UTF-8 byte-order mark is dropped")
{
  CHECK(strip_bom("\xEF\xBB\xBF"
                  "a,b") == "a,b");
  CHECK(strip_bom("a,b") == "a,b");
  CHECK(strip_bom("\xEF\xBB") == "\xEF\xBB");
}
