#include <credguard/drift/cell.hpp>

#include <catch2/catch.hpp>

#include <cmath>

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
