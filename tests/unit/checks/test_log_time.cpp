#include <credguard/checks/log_time.hpp>
#include <credguard/core/time_format.hpp>

#include <catch2/catch.hpp>

#include <ctime>

using namespace credguard;
using namespace credguard::checks;

namespace {

SystemTime at(const char* rfc3339)
{
  return *parse_rfc3339(rfc3339);
}

// What a local wall-clock time is in UTC on this machine.
SystemTime local(int year, int month, int day, int hour, int minute, int second)
{
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  tm.tm_isdst = -1;
  return std::chrono::system_clock::from_time_t(std::mktime(&tm));
}

const SystemTime g_now = at("2026-11-23T08:00:00Z");

} // namespace

TEST_CASE("log time: ISO 8601 with a zone, with fractions, bracketed")
{
  CHECK(parse_log_time("2026-11-23T07:59:01Z ERROR x", g_now) == at("2026-11-23T07:59:01Z"));
  CHECK(parse_log_time("2026-11-23T07:59:01.123456+01:00 x", g_now) == at("2026-11-23T06:59:01Z"));
  CHECK(parse_log_time("2026-11-23T07:59:01-0300 x", g_now) == at("2026-11-23T10:59:01Z"));
  CHECK(parse_log_time("[2026-11-23T07:59:01Z] CRITICAL", g_now) == at("2026-11-23T07:59:01Z"));
}

TEST_CASE("log time: zoneless formats are local time")
{
  CHECK(parse_log_time("2026-11-23 07:59:01,123 ERROR app", g_now) == local(2026, 11, 23, 7, 59, 1));
  CHECK(parse_log_time("2026-11-23  7:05:09 0 [ERROR] mariadbd: Table crashed", g_now) == local(2026, 11, 23, 7, 5, 9));
  CHECK(parse_log_time("2026/11/23 07:59:01 [crit] 12#12: upstream", g_now) == local(2026, 11, 23, 7, 59, 1));
  CHECK(parse_log_time("Nov 23 07:59:01 web sshd[77]: Failed password", g_now) == local(2026, 11, 23, 7, 59, 1));
  CHECK(parse_log_time("Nov  3 07:59:01 web sshd[77]: x", g_now) == local(2026, 11, 3, 7, 59, 1));
}

TEST_CASE("log time: syslog lines from late December read in January are last year's")
{
  auto january = at("2027-01-01T00:10:00Z");
  CHECK(parse_log_time("Dec 31 23:50:00 web sshd[1]: x", january) == local(2026, 12, 31, 23, 50, 0));
  CHECK(parse_log_time("Jan  1 00:05:00 web sshd[1]: x", january) == local(2027, 1, 1, 0, 5, 0));
}

TEST_CASE("log time: lines without a timestamp")
{
  CHECK_FALSE(parse_log_time("    at com.credguard.Scorer.run(Scorer.java:42)", g_now));
  CHECK_FALSE(parse_log_time("Traceback (most recent call last):", g_now));
  CHECK_FALSE(parse_log_time("2026-13-23T07:59:01Z month thirteen", g_now));
  CHECK_FALSE(parse_log_time("", g_now));
}

TEST_CASE("log time: combined log format times and civil days")
{
  CHECK(parse_clf_time("23/Nov/2026:08:00:00 +0000") == 1795420800);
  CHECK(parse_clf_time("23/Nov/2026:05:00:00 -0300") == 1795420800);
  CHECK_FALSE(parse_clf_time("23/Foo/2026:08:00:00 +0000"));
  CHECK_FALSE(parse_clf_time("23/Nov/2026 08:00:00 +0000"));
  CHECK(days_from_civil(1970, 1, 1) == 0);
  CHECK(days_from_civil(2000, 3, 1) == 11017);
  CHECK(days_from_civil(1969, 12, 31) == -1);
}

TEST_CASE("log time: a year the clock cannot hold is an undated line, not an overflow")
{
  // Found by tests/fuzz (corpus auth_log/found-year-1013): mktime and the
  // seconds-to-nanoseconds cast overflowed.
  auto now = at("2026-11-23T08:00:00Z");
  CHECK_FALSE(parse_log_time("1013-07-23 07:59:01 host sshd[811]: Failed password", now));
  CHECK_FALSE(parse_log_time("1013-07-23T07:59:01Z x", now));
  CHECK_FALSE(parse_log_time("4052-01-01T00:00:00+05:00 x", now));
  CHECK(parse_log_time("2261-12-31T23:59:59Z x", now));
}
