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

TEST_CASE("time: impossible dates, offsets and times beyond what a SystemTime holds are refused")
{
  CHECK_FALSE(parse_rfc3339("2026-02-31"));
  CHECK_FALSE(parse_rfc3339("2026-02-29"));
  CHECK(parse_rfc3339("2028-02-29"));
  CHECK_FALSE(parse_rfc3339("2026-04-31T00:00:00Z"));
  CHECK_FALSE(parse_rfc3339("2026-11-23T08:00:00+99:00"));
  CHECK_FALSE(parse_rfc3339("2026-11-23T08:00:00+05:60"));
  CHECK(parse_rfc3339("2026-11-23T08:00:00+23:59"));
  // Nanoseconds in 64 bits end in 2262: 2300 wrapped to 1715 and matched nothing.
  CHECK_FALSE(parse_rfc3339("2300-01-01"));
  CHECK_FALSE(parse_rfc3339("1600-01-01"));
  CHECK(format_rfc3339_seconds(*parse_rfc3339("2261-12-31T23:59:59Z")) == "2261-12-31T23:59:59Z");
  CHECK(*parse_rfc3339("2261-12-31T23:59:59Z") == k_max_time);
  CHECK_FALSE(parse_rfc3339("2261-12-31T23:59:59-00:01"));
  CHECK(*parse_rfc3339("1970-01-01") == k_min_time);
}

TEST_CASE("time: durations beyond 100 years are refused before they overflow, additions are range-checked")
{
  CHECK_FALSE(parse_duration("99999999999999d")); // was a float-to-integer overflow (UB)
  CHECK_FALSE(parse_duration("106753d"));
  CHECK(parse_duration("36500d") == k_max_duration);
  CHECK_FALSE(parse_duration("36501d"));

  auto now = *parse_rfc3339("2026-11-23T08:00:00Z");
  CHECK(add_duration(now, *parse_duration("14d")) == *parse_rfc3339("2026-12-07T08:00:00Z"));
  CHECK_FALSE(parse_duration("200000d"));                     // --since 200000d wrapped around and matched nothing
  CHECK_FALSE(add_duration(now, -*parse_duration("36500d"))); // 1926: before the epoch
  CHECK_FALSE(add_duration(k_max_time, Millis(1)));
  CHECK(add_duration(k_max_time, Millis(0)) == k_max_time);
}
