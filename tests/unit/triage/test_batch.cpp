#include <credguard/core/error.hpp>
#include <credguard/core/time_format.hpp>
#include <credguard/triage/batch.hpp>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <sstream>

using namespace credguard;
using namespace credguard::triage;

namespace {

// Events whose decision is known by construction, one per decision path.
struct Template {
  const char* json;
  Decision decision;
};

const std::vector<Template> k_templates = {
    {R"("risk_score":0.12,"heartbeat_misses":1)", Decision::false_positive},
    {R"("risk_score":0.42,"heartbeat_misses":7)", Decision::monitor},
    {R"("risk_score":0.65)", Decision::investigate},
    {R"("risk_score":0.65,"heartbeat_misses":2)", Decision::false_positive},
    {R"("risk_score":0.65,"heartbeat_misses":3)", Decision::legitimate},
    {R"("risk_score":0.65,"heartbeat_misses":4,"maintenance":true)", Decision::investigate},
    {R"("risk_score":0.93,"heartbeat_misses":0)", Decision::legitimate},
};

} // namespace

TEST_CASE("batch: a large generated stream is triaged line by line, correctly")
{
  const std::size_t events = 20'000;
  std::ostringstream stream;
  std::array<std::size_t, 4> expected{};
  std::vector<Decision> by_line(1, Decision::false_positive); // line numbers start at 1
  std::size_t ignored = 0;
  for (std::size_t i = 0; i < events; ++i) {
    if (i % 1000 == 999) {
      stream << "\n"; // blank lines are skipped but counted as lines
      by_line.push_back(Decision::false_positive);
    }
    if (i % 500 == 0) {
      stream << R"({"type":"Heartbeat","capsule_hash":"x"})" << '\n';
      by_line.push_back(Decision::false_positive);
      ++ignored;
    }
    const auto& t = k_templates[i % k_templates.size()];
    stream << fmt::format(R"({{"type":"GuardTrip","capsule_hash":"c{}","tenant_id":"t{}",{}}})", i, i % 7, t.json)
           << '\n';
    by_line.push_back(t.decision);
    ++expected.at(static_cast<std::size_t>(t.decision));
  }
  std::istringstream in(stream.str());
  auto result = triage_stream(in, "stdin", Thresholds{});
  CHECK(result.items.size() == events);
  CHECK(result.ignored == ignored);
  CHECK(result.lines == events + ignored);
  CHECK(result.counts == expected);
  for (const auto& item : result.items) {
    REQUIRE(item.line < by_line.size());
    if (item.verdict.decision != by_line[item.line]) {
      FAIL("line " << item.line << " decided " << to_string(item.verdict.decision));
    }
  }
  CHECK(result.exit_code() == ExitCode::critical);
  auto summary = summary_json(result);
  CHECK(summary["events"] == events);
  CHECK(summary["legitimate"] == expected[3]);
}

TEST_CASE("batch: the first malformed line aborts the run, naming its number")
{
  std::istringstream in("{\"risk_score\":0.1}\n\n{\"risk_score\":0.2}\n{\"risk_score\":0.3,\n{\"risk_score\":0.4}\n");
  try {
    triage_stream(in, "stdin", Thresholds{});
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::data);
    CHECK(std::string(e.what()).starts_with("stdin:4: not valid JSON"));
  }
}

TEST_CASE("batch: exit code is the worst decision, an empty stream is 0")
{
  std::istringstream empty("\n\n");
  auto none = triage_stream(empty, "stdin", Thresholds{});
  CHECK(none.items.empty());
  CHECK(none.exit_code() == ExitCode::ok);
  std::istringstream mixed("{\"risk_score\":0.1}\n{\"risk_score\":0.6}\n");
  CHECK(triage_stream(mixed, "stdin", Thresholds{}).exit_code() == ExitCode::warning);
}

TEST_CASE("batch: command-line context applies to every event")
{
  std::istringstream in("{\"risk_score\":0.6,\"heartbeat_misses\":3}\n");
  auto result = triage_stream(in, "stdin", Thresholds{}, BatchContext{true, false});
  REQUIRE(result.items.size() == 1);
  CHECK(result.items[0].verdict.decision == Decision::investigate);
  CHECK(result.items[0].verdict.event.maintenance);
}

TEST_CASE("batch: capsules tripping within the window count as several at once")
{
  auto at = [](const char* time, const char* capsule) {
    GuardTripEvent e;
    e.risk_score = 0.6;
    e.time = parse_rfc3339(time);
    e.capsule = capsule;
    return e;
  };
  std::vector<GuardTripEvent> events = {
      at("2026-11-23T08:00:00Z", "a"), at("2026-11-23T08:04:00Z", "b"), at("2026-11-23T08:05:00Z", "a"),
      at("2026-11-23T08:20:00Z", "c"), at("2026-11-23T08:25:00Z", "d"), at("2026-11-23T08:25:01Z", "e"),
  };
  events.push_back(GuardTripEvent{}); // no time: counts 1
  auto counts = capsules_at_once(events, Millis(5 * 60 * 1000));
  CHECK(counts == std::vector<long long>{2, 2, 2, 2, 3, 2, 1});

  std::istringstream in(R"({"risk_score":0.6,"heartbeat_misses":3,"capsule_hash":"a","time":"2026-11-23T08:00:00Z"}
{"risk_score":0.6,"heartbeat_misses":3,"capsule_hash":"b","time":"2026-11-23T08:01:00Z"}
{"risk_score":0.6,"heartbeat_misses":3,"capsule_hash":"c","time":"2026-11-23T09:00:00Z"}
)");
  auto result = triage_stream(in, "stdin", Thresholds{});
  REQUIRE(result.items.size() == 3);
  CHECK(result.items[0].verdict.decision == Decision::investigate);
  CHECK(result.items[0].verdict.event.capsules_affected == 2);
  CHECK(result.items[2].verdict.decision == Decision::legitimate);
}
