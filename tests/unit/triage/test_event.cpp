#include <credguard/core/error.hpp>
#include <credguard/core/time_format.hpp>
#include <credguard/triage/event.hpp>

#include <catch2/catch.hpp>

using namespace credguard;
using namespace credguard::triage;

namespace {

std::string data_error(const std::function<void()>& fn)
{
  try {
    fn();
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::data);
    return e.what();
  }
  FAIL("no error");
  return "";
}

} // namespace

TEST_CASE("event: every field is read, with the accepted aliases")
{
  auto e = parse_event_document(R"({"type":"GuardTrip","time":"2026-11-23T07:58:00Z","tenant":"t-42",
    "capsule":"9f2c","risk_score":"0.91","heartbeat_misses":4,"model":"credit-score@7","maintenance":true,
    "recent_deploy":true,"capsules_affected":3,"extra":{"ignored":1}})",
                                "e.json");
  CHECK(e.risk_score == 0.91);
  CHECK(e.heartbeat_misses == 4);
  CHECK(e.tenant == "t-42");
  CHECK(e.capsule == "9f2c");
  CHECK(e.model == "credit-score@7");
  CHECK(format_rfc3339_seconds(*e.time) == "2026-11-23T07:58:00Z");
  CHECK(e.maintenance);
  CHECK(e.recent_deploy);
  CHECK(e.capsules_affected == 3);
  auto json = to_json(e);
  CHECK(json["tenant_id"] == "t-42");
  CHECK(json["time"] == "2026-11-23T07:58:00.000Z");
}

TEST_CASE("event: malformed documents name the file and line")
{
  CHECK(data_error([] {
          parse_event_document("{\n  \"risk_score\": 0.5,\n  oops\n}", "e.json");
        }).starts_with("e.json:3: not valid JSON"));
  CHECK(data_error([] { parse_event_line("{\"risk_score\": ", "stdin", 17); }).starts_with("stdin:17: not valid JSON"));
  CHECK(data_error([] { parse_event_line("[1,2]", "stdin", 2); }) ==
        "stdin:2: expected a JSON object (one GuardTrip event)");
  // nlohmann throws out_of_range for these: a data error too, not internal.
  CHECK(data_error([] { parse_event_line(R"({"type":"GuardTrip","risk_score":1e999})", "stdin", 3); }) ==
        "stdin:3: a number is beyond the range of a double (about ±1.8e308)");
  CHECK(data_error([] { parse_event_document(R"({"type":"GuardTrip","risk_score":1e999})", "e.json"); }) ==
        "e.json: a number is beyond the range of a double (about ±1.8e308)");
}

TEST_CASE("event: missing and out-of-range fields are rejected, naming the field")
{
  CHECK(data_error([] { parse_event_line(R"({"heartbeat_misses":1})", "s", 1); }) == "s:1: risk_score: is required");
  CHECK(data_error([] { parse_event_line(R"({"risk_score":1.2})", "s", 1); }) ==
        "s:1: risk_score: expected a number between 0 and 1, got 1.2");
  CHECK(data_error([] { parse_event_line(R"({"risk_score":-0.1})", "s", 1); }).find("between 0 and 1") !=
        std::string::npos);
  CHECK(data_error([] { parse_event_line(R"({"risk_score":"high"})", "s", 1); }) ==
        "s:1: risk_score: expected a number, got \"high\"");
  CHECK(data_error([] {
          parse_event_line(R"({"risk_score":0.5,"heartbeat_misses":2.5})", "s", 1);
        }).starts_with("s:1: heartbeat_misses: expected a whole number"));
  CHECK(data_error([] {
          parse_event_line(R"({"risk_score":0.5,"heartbeat_misses":-1})", "s", 1);
        }).starts_with("s:1: heartbeat_misses:"));
  CHECK(data_error([] { parse_event_line(R"({"risk_score":0.5,"maintenance":"yes"})", "s", 1); }) ==
        "s:1: maintenance: expected true or false, got \"yes\"");
  CHECK(data_error([] {
          parse_event_line(R"({"risk_score":0.5,"time":"yesterday"})", "s", 1);
        }).starts_with("s:1: time: expected an RFC 3339 time"));
  CHECK(data_error([] {
          parse_event_line(R"({"risk_score":0.5,"model":"../etc@1"})", "s", 1);
        }).starts_with("s:1: model:"));
  CHECK(data_error([] {
          parse_event_line(R"({"risk_score":0.5,"capsules_affected":0})", "s", 1);
        }).starts_with("s:1: capsules_affected:"));
}

TEST_CASE("event: other event types are not triaged")
{
  CHECK_FALSE(parse_event_line(R"({"type":"Heartbeat","risk_score":0.9})", "s", 1).has_value());
  CHECK(parse_event_line(R"({"type":"GuardTrip","risk_score":0.9})", "s", 1).has_value());
  CHECK(data_error([] { parse_event_document(R"({"type":"Heartbeat"})", "e.json"); }) ==
        "e.json: type: expected \"GuardTrip\", got \"Heartbeat\"");
}

TEST_CASE("event: model references safe to put on a command line")
{
  CHECK(valid_model_ref("credit-score"));
  CHECK(valid_model_ref("credit_score.v2@17"));
  CHECK_FALSE(valid_model_ref("a/b@1"));
  CHECK_FALSE(valid_model_ref("a..b"));
  CHECK_FALSE(valid_model_ref("a@"));
  CHECK_FALSE(valid_model_ref("a b"));
  CHECK_FALSE(valid_model_ref("a;rm -rf"));
}
