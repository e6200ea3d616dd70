#include <credguard/core/time_format.hpp>

#include <catch2/catch.hpp>

using namespace credguard;

TEST_CASE("time: RFC 3339 round trip in UTC with milliseconds")
{
  auto time = parse_rfc3339("2026-11-23T08:01:02.345Z");
  REQUIRE(time);
  CHECK(format_rfc3339(*time) == "2026-11-23T08:01:02.345Z");
  CHECK(format_rfc3339_seconds(*time) == "2026-11-23T08:01:02Z");
}

TEST_CASE("time: offsets and plain dates are accepted, garbage is not")
{
  CHECK(format_rfc3339(*parse_rfc3339("2026-11-23T10:00:00+02:00")) == "2026-11-23T08:00:00.000Z");
  CHECK(format_rfc3339(*parse_rfc3339("2026-11-23")) == "2026-11-23T00:00:00.000Z");
  CHECK_FALSE(parse_rfc3339("2026-11-23T10:00:00"));
  CHECK_FALSE(parse_rfc3339("23/11/2026"));
  CHECK_FALSE(parse_rfc3339("2026-13-01"));
}

TEST_CASE("time: durations parse and print")
{
  CHECK(parse_duration("500ms") == Millis(500));
  CHECK(parse_duration("30s") == Millis(30'000));
  CHECK(parse_duration("5m") == Millis(300'000));
  CHECK(parse_duration("14d") == Millis(14LL * 86'400'000));
  CHECK(parse_duration("1.5s") == Millis(1500));
  CHECK(parse_duration("10") == Millis(10'000));
  CHECK_FALSE(parse_duration("soon"));
  CHECK_FALSE(parse_duration("-1s"));
  CHECK(format_duration(Millis(250)) == "250ms");
  CHECK(format_duration(Millis(1500)) == "1.5s");
  CHECK(format_duration(Millis(90'000)) == "1m30s");
  CHECK(format_duration(Millis(14LL * 86'400'000)) == "14d");
}
