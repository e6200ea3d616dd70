#include <credguard/core/time_format.hpp>
#include <credguard/triage/bot_log.hpp>

#include <catch2/catch.hpp>

#include <sstream>

using namespace credguard;
using namespace credguard::triage;

TEST_CASE("bot log: a JSON event after a kubelet timestamp and a logger prefix is read, the time kept")
{
  auto line = parse_log_line(
      R"(2026-11-23T08:00:01.123456789Z 2026-11-23 08:00:01 INFO guard: {"type":"GuardTrip","risk_score":0.91,"heartbeat_misses":4,"capsule_hash":"9f2c","model":"credit-score@7"})",
      "bot", 3);
  REQUIRE(line.kind == LogLine::Kind::event);
  CHECK(line.event.risk_score == 0.91);
  CHECK(line.event.heartbeat_misses == 4);
  CHECK(line.event.model == "credit-score@7");
  REQUIRE(line.event.time.has_value());
  CHECK(format_rfc3339(*line.event.time) == "2026-11-23T08:00:01.123Z");

  auto own = parse_log_line(
      R"(2026-11-23T08:00:01Z {"type":"GuardTrip","risk_score":0.2,"time":"2026-11-23T07:59:00Z"})", "bot", 4);
  REQUIRE(own.kind == LogLine::Kind::event);
  CHECK(format_rfc3339_seconds(*own.event.time) == "2026-11-23T07:59:00Z");
}

TEST_CASE("bot log: other lines are other, a broken GuardTrip line is unreadable naming its line")
{
  CHECK(parse_log_line("starting incident-bot v1.4", "bot", 1).kind == LogLine::Kind::other);
  CHECK(parse_log_line(R"({"type":"Heartbeat","capsule_hash":"9f2c"})", "bot", 2).kind == LogLine::Kind::other);
  CHECK(parse_log_line(R"(Rollback decision: {"risk_score":0.9})", "bot", 3).kind == LogLine::Kind::other);
  CHECK(parse_log_line(R"({"msg": "broken)", "bot", 4).kind == LogLine::Kind::other);

  auto broken = parse_log_line(R"(GuardTrip {"type":"GuardTrip","risk_score":)", "pod/bot-1", 5);
  CHECK(broken.kind == LogLine::Kind::unreadable);
  CHECK(broken.problem.find("pod/bot-1:5") != std::string::npos);
  auto no_object = parse_log_line("GuardTrip fired for capsule 9f2c", "bot", 6);
  CHECK(no_object.kind == LogLine::Kind::unreadable);
  auto bad_field = parse_log_line(R"({"type":"GuardTrip","risk_score":1.7})", "bot", 7);
  CHECK(bad_field.kind == LogLine::Kind::unreadable);
  CHECK(bad_field.problem.find("risk_score") != std::string::npos);
}

TEST_CASE("bot log: a number beyond a double makes the line unreadable, parse_log_line does not throw")
{
  // nlohmann throws out_of_range (not parse_error) for 1e999.
  LogLine huge;
  REQUIRE_NOTHROW(huge = parse_log_line(R"(GuardTrip {"type":"GuardTrip","risk_score":1e999})", "bot", 8));
  CHECK(huge.kind == LogLine::Kind::unreadable);
  CHECK(huge.problem.find("bot:8") != std::string::npos);
  CHECK(parse_log_line(R"({"type":"Heartbeat","misses":-1e999})", "bot", 9).kind == LogLine::Kind::other);
}

TEST_CASE("bot log: triage_log counts events, ignored and unreadable lines, and correlates capsules")
{
  std::istringstream log("boot\n"
                         "2026-11-23T08:00:00Z "
                         "{\"type\":\"GuardTrip\",\"risk_score\":0.65,\"heartbeat_misses\":3,\"capsule_hash\":\"a\"}\n"
                         "2026-11-23T08:01:00Z "
                         "{\"type\":\"GuardTrip\",\"risk_score\":0.65,\"heartbeat_misses\":3,\"capsule_hash\":\"b\"}\n"
                         "\n"
                         "2026-11-23T09:00:00Z {\"type\":\"GuardTrip\",\"risk_score\":0.2,\"capsule_hash\":\"c\"}\n"
                         "GuardTrip {oops}\n"
                         "GuardTrip {also bad}\n");
  auto result = triage_log(log, "bot", Thresholds{}, {});
  CHECK(result.lines == 6);
  CHECK(result.ignored == 1);
  CHECK(result.unreadable == 2);
  CHECK(result.first_unreadable.find("bot:6") != std::string::npos);
  REQUIRE(result.items.size() == 3);
  CHECK(result.items[0].line == 2);
  // Two capsules within the window: shared cause, investigate instead of legitimate.
  CHECK(result.items[0].verdict.event.capsules_affected == 2);
  CHECK(result.items[0].verdict.decision == Decision::investigate);
  CHECK(result.items[2].verdict.decision == Decision::false_positive);
  CHECK(result.exit_code() == ExitCode::warning);

  std::istringstream again(
      "2026-11-23T08:00:00Z {\"type\":\"GuardTrip\",\"risk_score\":0.65,\"heartbeat_misses\":3}\n");
  auto maintenance = triage_log(again, "bot", Thresholds{}, {true, false});
  REQUIRE(maintenance.items.size() == 1);
  CHECK(maintenance.items[0].verdict.event.maintenance);
  CHECK(maintenance.items[0].verdict.decision == Decision::investigate);
}
