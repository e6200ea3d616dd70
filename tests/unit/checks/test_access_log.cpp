#include <credguard/checks/access_log.hpp>

#include <catch2/catch.hpp>
#include <fmt/format.h>

using namespace credguard::checks;

namespace {

constexpr std::int64_t k_base = 1795420800; // 2026-11-23T08:00:00Z

std::string clf_time(std::int64_t seconds)
{
  auto offset = seconds - k_base; // within the day
  return fmt::format("23/Nov/2026:{:02}:{:02}:{:02} +0000", 8 + offset / 3600, offset / 60 % 60, offset % 60);
}

std::string combined(const std::string& ip, std::int64_t when, int status, const std::string& path = "/api/v1/score")
{
  return fmt::format("{} - - [{}] \"POST {} HTTP/1.1\" {} 512 \"-\" \"python-requests/2.31\"\n", ip, clf_time(when),
                     path, status);
}

std::string json_line(const std::string& ip, std::int64_t when, const std::string& status)
{
  (void)when;
  return fmt::format(R"({{"time":"2026-11-23T08:{:02}:{:02}Z","remote_addr":"{}","method":"POST","status":{}}})",
                     (when - k_base) / 60, (when - k_base) % 60, ip, status) +
         "\n";
}

BurstReport scan(const std::string& text, BurstOptions options = {})
{
  BurstScanner scanner(std::move(options));
  scanner.feed(text);
  return scanner.finish();
}

} // namespace

TEST_CASE("bursts: IPs over the limit within any 5-minute window are named, busiest first")
{
  std::string log;
  for (int i = 0; i < 60; ++i) {
    log += combined("203.0.113.9", k_base + i * 2, 401);   // 60 in 2 minutes
    log += combined("198.51.100.4", k_base + i * 60, 401); // 60 over an hour: at most 5 per window
    log += combined("10.0.0.8", k_base + i, 200);          // successes do not count
  }
  for (int i = 0; i < 51; ++i) {
    log += combined("192.0.2.77", k_base + 1000 + i * 5, 403); // 51 in 255 s: over 50
  }
  for (int i = 0; i < 50; ++i) {
    log += combined("192.0.2.50", k_base + i, 401); // exactly the limit: not over it
  }
  auto report = scan(log);
  REQUIRE(report.offenders.size() == 2);
  CHECK(report.offenders[0].ip == "203.0.113.9");
  CHECK(report.offenders[0].peak == 60);
  CHECK(report.offenders[0].peak_start == k_base);
  CHECK(report.offenders[1].ip == "192.0.2.77");
  CHECK(report.offenders[1].peak == 51);
  CHECK(report.matched == 60 + 60 + 51 + 50);
  CHECK(report.undated == 0);
}

TEST_CASE("bursts: the window slides, out-of-order lines still count")
{
  std::string log;
  // 30 at minute 0, 30 at minute 4:59: one window holds all 60.
  for (int i = 0; i < 30; ++i) {
    log += combined("203.0.113.1", k_base + 299, 401);
  }
  for (int i = 0; i < 30; ++i) {
    log += combined("203.0.113.1", k_base, 401);
  }
  // 30 at minute 0 and 30 at minute 5:00: two windows of 30.
  for (int i = 0; i < 30; ++i) {
    log += combined("203.0.113.2", k_base, 401) + combined("203.0.113.2", k_base + 300, 401);
  }
  auto report = scan(log);
  REQUIRE(report.offenders.size() == 1);
  CHECK(report.offenders[0].ip == "203.0.113.1");
  CHECK(report.offenders[0].peak == 60);
}

TEST_CASE("bursts: only the status after the request counts, even with quotes and numbers elsewhere")
{
  std::string log;
  for (int i = 0; i < 60; ++i) {
    // A 401 inside the request (escaped quote) and in the user agent; the status is 200.
    log += fmt::format("203.0.113.5 - - [{}] \"GET /a\\\" 401 b HTTP/1.1\" 200 5 \"-\" \"x\\\" 401 y\"\n",
                       clf_time(k_base + i));
    // A 404 is not a 401.
    log += combined("203.0.113.6", k_base + i, 404);
    // Status 4010 is not 401.
    log += fmt::format("203.0.113.7 - - [{}] \"GET / HTTP/1.1\" 4010 5\n", clf_time(k_base + i));
  }
  auto report = scan(log);
  CHECK(report.matched == 0);
  CHECK(report.offenders.empty());
}

TEST_CASE("bursts: JSON lines, status as number or text, and a last line without newline")
{
  std::string log;
  for (int i = 0; i < 55; ++i) {
    log += json_line("203.0.113.20", k_base + i, i % 2 == 0 ? "401" : "\"403\"");
    log += json_line("203.0.113.21", k_base + i, "200");
  }
  log += R"({"remote_addr":"203.0.113.20","status":401,"time":"2026-11-23T08:00:59Z"})";
  auto report = scan(log);
  REQUIRE(report.offenders.size() == 1);
  CHECK(report.offenders[0].ip == "203.0.113.20");
  CHECK(report.offenders[0].peak == 56);
}

TEST_CASE("bursts: since drops older lines, other statuses can be asked for, undated lines are counted apart")
{
  std::string log;
  for (int i = 0; i < 60; ++i) {
    log += combined("203.0.113.30", k_base + i, 401);
    log += combined("203.0.113.31", k_base + 3600 + i, 503);
    log += combined("203.0.113.32", k_base + 3600 + i, 429);
  }
  log += "203.0.113.33 - - [garbage] \"GET / HTTP/1.1\" 401 5\n";

  BurstOptions newer;
  newer.since = k_base + 1800;
  auto recent = scan(log, newer);
  CHECK(recent.offenders.empty()); // the 401s are older than `since`
  CHECK(recent.undated == 1);

  BurstOptions server_errors;
  server_errors.statuses = {429, 503};
  auto errors = scan(log, server_errors);
  REQUIRE(errors.offenders.size() == 2);
  CHECK(errors.offenders[0].ip == "203.0.113.31");
  CHECK(errors.offenders[1].ip == "203.0.113.32");
}

TEST_CASE("bursts: an epoch timestamp too long for 64 bits is undated, not wrapped around")
{
  // 20 digits overflowed std::int64_t (UB) and landed at some arbitrary time.
  std::string log = R"({"remote_addr":"203.0.113.40","status":401,"time":99999999999999999999})"
                    "\n"
                    R"({"remote_addr":"203.0.113.40","status":401,"time":1795420800123})"
                    "\n";
  auto report = scan(log);
  CHECK(report.undated == 1);
  CHECK(report.matched == 2);
}
