#include "harness.hpp"

#include <credguard/journal/journal.hpp>

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace credguard;

namespace {

void fill(test::CliHarness& h, int count)
{
  journal::Journal journal(h.home / "journal.db", journal::Journal::Mode::read_write, h.clock,
                           journal::Identity{"alice", "root", "", "host"});
  for (int i = 1; i <= count; ++i) {
    journal.append({"credguard x",
                    i % 2 == 0 ? "INC-EVEN" : "INC-ODD",
                    "test.step",
                    "t" + std::to_string(i),
                    "ok",
                    "",
                    {{"i", i}}});
    h.clock.advance(Millis(60'000));
  }
}

} // namespace

TEST_CASE("journal list/show/export read the journal")
{
  test::CliHarness h;
  fill(h, 6);
  CHECK(h.run({"journal", "list"}) == 0);
  CHECK(h.out.str().find("SEQ  TIME") == 0);
  CHECK(h.out.str().find("INC-EVEN") != std::string::npos);

  CHECK(h.run({"journal", "list", "--incident", "INC-ODD", "--output", "json"}) == 0);
  auto json = nlohmann::json::parse(h.out.str());
  CHECK(json["schema_version"] == 1);
  CHECK(json["entries"].size() == 3);

  CHECK(h.run({"journal", "show", "2"}) == 0);
  CHECK(h.out.str().find("incident   INC-EVEN") != std::string::npos);
  CHECK(h.run({"journal", "show", "99"}) == 65);

  CHECK(h.run({"journal", "export", "--incident", "INC-EVEN"}) == 0);
  auto lines = h.out.str();
  CHECK(std::count(lines.begin(), lines.end(), '\n') == 3);
  CHECK(nlohmann::json::parse(lines.substr(0, lines.find('\n')))["seq"] == 2);

  CHECK(h.run({"journal", "export", "--since", "2026-11-23T08:03:00Z", "-o", (h.home / "out.jsonl").string()}) == 0);
  auto exported = test::slurp(h.home / "out.jsonl");
  CHECK(std::count(exported.begin(), exported.end(), '\n') == 3);

  CHECK(h.run({"journal", "list", "--since", "yesterday-ish"}) == 64);
}

TEST_CASE("journal export: times beyond what credguard holds are usage errors naming the value and the range")
{
  // They wrapped around the 64-bit nanosecond clock and matched nothing, exit 0.
  test::CliHarness h;
  fill(h, 2);
  for (const char* flag : {"--until", "--since"}) {
    for (const char* value : {"2300-01-01", "1600-01-01", "2026-02-31"}) {
      CHECK(h.run({"journal", "export", flag, value}) == 64);
      CHECK_THAT(h.err.str(), Catch::Contains(std::string(flag) + ": cannot read \"" + value + "\" as a time") &&
                                  Catch::Contains("1970-01-01 to 2261-12-31"));
    }
  }
  CHECK(h.run({"journal", "export", "--since", "200000d"}) == 64);
  CHECK_THAT(h.err.str(), Catch::Contains("up to 36500d (100 years)"));
  CHECK(h.run({"journal", "export", "--since", "36500d"}) == 64);
  CHECK_THAT(h.err.str(), Catch::Contains("--since: \"36500d\" ago is before 1970-01-01"));
}

TEST_CASE("journal verify: exit 0 when intact, 2 naming the first bad entry when not")
{
  test::CliHarness h;
  fill(h, 5);
  CHECK(h.run({"journal", "verify"}) == 0);
  CHECK(h.out.str().find("5 entries, chain intact") != std::string::npos);
  {
    SQLite::Database db((h.home / "journal.db").string(), SQLite::OPEN_READWRITE);
    db.exec("DROP TRIGGER entries_append_only_update");
    db.exec("UPDATE entries SET target = 'elsewhere' WHERE seq = 3");
  }
  CHECK(h.run({"journal", "verify"}) == 2);
  CHECK(h.out.str().find("chain broken at entry 3") != std::string::npos);
  CHECK(h.run({"journal", "verify", "--output", "json"}) == 2);
  CHECK(nlohmann::json::parse(h.out.str())["first_bad_seq"] == 3);
}

TEST_CASE("journal: a missing journal is an I/O error (74) naming the path")
{
  test::CliHarness h;
  CHECK(h.run({"journal", "list"}) == 74);
  CHECK(h.err.str().find((h.home / "journal.db").string()) != std::string::npos);
}
