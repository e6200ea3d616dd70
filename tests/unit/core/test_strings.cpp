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

TEST_CASE("strings: escape_controls leaves no terminal control sequence")
{
  // ESC [ (CSI) erase screen, OSC 0 set title ended by BEL, C1 CSI (U+009B).
  std::string hostile = "t-1\x1b[2J\x1b]0;owned\x07\xc2\x9b"
                        "31m";
  auto safe = escape_controls(hostile);
  CHECK(safe == "t-1\\x1b[2J\\x1b]0;owned\\x07\\u009b31m");
  CHECK(safe.find('\x1b') == std::string::npos);
  CHECK(safe.find('\x07') == std::string::npos);
  CHECK(safe.find("\xc2\x9b") == std::string::npos);
  // Bytes that are not UTF-8 (a lone 0x9b is CSI on 8-bit terminals), DEL, NUL.
  CHECK(escape_controls(std::string("a\x9b"
                                    "b\x7f"
                                    "c\0d",
                                    7)) == "a\\x9bb\\x7fc\\x00d");
  CHECK(escape_controls("\xed\xa0\x80") == "\\xed\\xa0\\x80"); // a UTF-16 surrogate
  // Valid UTF-8 and printable ASCII stay as they are; newlines only on request.
  CHECK(escape_controls("Zürich € 𝄞 a\\b") == "Zürich € 𝄞 a\\b");
  CHECK(escape_controls("a\nb\tc\r") == "a\\nb\\tc\\r");
  CHECK(escape_controls("a\nb\tc\r", true) == "a\nb\tc\\r");
}
