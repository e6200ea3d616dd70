#include <credguard/drift/cell.hpp>

#include <catch2/catch.hpp>

#include <charconv>
#include <cmath>
#include <random>
#include <string>

using namespace credguard::drift;

TEST_CASE("cell: the missing markers are exactly empty, NA, NaN, nan, null and NULL")
{
  for (const char* cell : {"", "NA", "NaN", "nan", "null", "NULL"}) {
    INFO(cell);
    CHECK(is_missing(cell));
  }
  for (const char* cell : {"na", "N/A", "NAN", "Null", "none", " ", "0", "-"}) {
    INFO(cell);
    CHECK_FALSE(is_missing(cell));
  }
}

TEST_CASE("cell: decimal numbers are numbers")
{
  CHECK(parse_number("0") == 0.0);
  CHECK(parse_number("42") == 42.0);
  CHECK(parse_number("-2.5") == -2.5);
  CHECK(parse_number("+.5") == 0.5);
  CHECK(parse_number("3.") == 3.0);
  CHECK(parse_number("1e-3") == 0.001);
  CHECK(parse_number("1E+3") == 1000.0);
  CHECK(parse_number("0.1") == 0.1);
  CHECK(parse_number("123456789012345678901234567890") == 123456789012345678901234567890.0);
}

TEST_CASE("cell: -0 reads as 0 and underflow as the nearest value")
{
  auto zero = parse_number("-0.0");
  REQUIRE(zero);
  CHECK_FALSE(std::signbit(*zero));
  CHECK(parse_number("1e-400") == 0.0);
  CHECK(parse_number("4e-320") == 4e-320);
}

TEST_CASE("cell: anything else is text")
{
  for (const char* cell :
       {"abc", "1a", "1,5",  " 1",  "1 ",   "--1",      "+-1", "-+1",  "++1",   "-",      "+",     ".",
        "e5",  "1e", "0x10", "inf", "-inf", "Infinity", "nan", "-nan", "1e400", "-1e400", "1_000", "١"}) {
    INFO(cell);
    CHECK_FALSE(parse_number(cell).has_value());
  }
}

TEST_CASE("cell: the fast path for plain decimals agrees with from_chars")
{
  std::mt19937_64 rng(5);
  for (int i = 0; i < 200000; ++i) {
    auto digits = std::to_string(rng() >> (rng() % 64));
    auto cut = rng() % (digits.size() + 1);
    std::string text = (i % 3 == 0 ? "-" : "") + digits.substr(0, cut) + "." + digits.substr(cut);
    double expected = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), expected);
    REQUIRE(ec == std::errc());
    REQUIRE(end == text.data() + text.size());
    INFO(text);
    REQUIRE(parse_number(text) == (expected == 0 ? 0.0 : expected));
  }
}
