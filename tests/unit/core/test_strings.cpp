#include <credguard/core/strings.hpp>

#include <catch2/catch.hpp>

using namespace credguard;

TEST_CASE("strings: split keeps empty fields, split_list trims and drops them")
{
  CHECK(split("a,,b", ',') == std::vector<std::string>{"a", "", "b"});
  CHECK(split_list(" a , ,b ") == std::vector<std::string>{"a", "b"});
}

TEST_CASE("strings: strict number parsing")
{
  CHECK(parse_int("42") == 42);
  CHECK(parse_int(" -7 ") == -7);
  CHECK_FALSE(parse_int("4x"));
  CHECK_FALSE(parse_int(""));
  CHECK(parse_double("0.25") == Approx(0.25));
  CHECK_FALSE(parse_double("1e"));
}

TEST_CASE("strings: percent-encoding leaves only unreserved characters")
{
  CHECK(percent_encode("name='a b'&x=1/2") == "name%3D%27a%20b%27%26x%3D1%2F2");
  CHECK(percent_encode("AZaz09-_.~") == "AZaz09-_.~");
}

TEST_CASE("strings: shell quoting and byte sizes")
{
  CHECK(shell_quote("plain-word") == "plain-word");
  CHECK(shell_quote("two words") == "'two words'");
  CHECK(shell_quote("it's") == "'it'\\''s'");
  CHECK(format_bytes(512) == "512 B");
  CHECK(format_bytes(1536) == "1.5 KiB");
  CHECK(format_bytes(3ULL << 30) == "3.0 GiB");
}
