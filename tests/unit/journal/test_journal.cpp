#include "journal_fixture.hpp"

#include <credguard/core/error.hpp>
#include <credguard/core/time_format.hpp>

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

using namespace credguard;
using namespace credguard::test;

TEST_CASE("journal: entries are chained, numbered and read back")
{
  TempDir dir;
  FakeClock clock;
  journal::Journal journal(dir / "j.db", journal::Journal::Mode::read_write, clock, test_identity());
  auto first = journal.append(draft(1));
  clock.advance(Millis(1500));
  auto second = journal.append(draft(2, "INC-2"));
  CHECK(first.seq == 1);
  CHECK(first.prev_hash == journal::k_genesis_hash);
  CHECK(second.seq == 2);
  CHECK(second.prev_hash == first.hash);
  CHECK(first.time == "2026-11-23T08:00:00.000Z");
  CHECK(second.time == "2026-11-23T08:00:01.500Z");
  CHECK(first.who.actor == "alice");

  auto all = journal.list({});
  REQUIRE(all.size() == 2);
  CHECK(all[1].what.evidence["n"] == 2);
  CHECK(all[1].hash == second.hash);

  journal::Filter by_incident;
  by_incident.incident = "INC-2";
  CHECK(journal.list(by_incident).size() == 1);

  journal::Filter since;
  since.since = parse_rfc3339("2026-11-23T08:00:01Z");
  CHECK(journal.list(since).size() == 1);

  journal::Filter newest;
  newest.limit = 1;
  CHECK(journal.list(newest).at(0).seq == 2);

  CHECK(journal.get(2)->what.target == "target-2");
  CHECK_FALSE(journal.get(3));
  auto result = journal.verify();
  CHECK(result.ok);
  CHECK(result.entries == 2);
  CHECK(result.head_hash == second.hash);
}

TEST_CASE("journal: the file and its directory are private")
{
  TempDir dir;
  fill(dir / "state" / "j.db", 1);
  struct stat info {};
  REQUIRE(::stat((dir / "state" / "j.db").c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  REQUIRE(::stat((dir / "state").c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0700);
}

TEST_CASE("journal: registered secrets never enter the journal")
{
  TempDir dir;
  FakeClock clock;
  Redactor redactor;
  redactor.add("fixture-secret-4242");
  journal::Journal journal(dir / "j.db", journal::Journal::Mode::read_write, clock, test_identity(), &redactor);
  journal.append(journal::EntryDraft{"credguard --token fixture-secret-4242",
                                     "",
                                     "x",
                                     "y",
                                     "ok",
                                     "because fixture-secret-4242",
                                     {{"header", "Bearer fixture-secret-4242"}}});
  auto text = slurp(dir / "j.db") + (std::filesystem::exists(dir / "j.db-wal") ? slurp(dir / "j.db-wal") : "");
  CHECK(text.find("fixture-secret-4242") == std::string::npos);
  auto entry = journal.get(1);
  CHECK(entry->what.evidence["header"] == "Bearer ***");
  CHECK(journal.verify().ok);
}

TEST_CASE("journal: an unwritable location is an I/O error and nothing is created")
{
  TempDir dir;
  std::filesystem::permissions(dir.path(), std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
  FakeClock clock;
  if (::geteuid() == 0) {
    // root ignores directory permissions; a path under a regular file cannot be created by anyone.
    dir.write("file", "x");
  }
  auto path = ::geteuid() == 0 ? dir / "file" / "j.db" : dir / "sub" / "j.db";
  try {
    journal::Journal journal(path, journal::Journal::Mode::read_write, clock, test_identity());
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::io);
    CHECK(std::string(e.what()).find(path.parent_path().string()) != std::string::npos);
  }
  CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("journal: reading a journal that does not exist is an I/O error")
{
  TempDir dir;
  FakeClock clock;
  CHECK_THROWS_AS(journal::Journal(dir / "none.db", journal::Journal::Mode::read_only, clock, test_identity()), Error);
  CHECK_FALSE(std::filesystem::exists(dir / "none.db"));
}

TEST_CASE("journal: the table refuses updates and deletes")
{
  TempDir dir;
  fill(dir / "j.db", 2);
  SQLite::Database db((dir / "j.db").string(), SQLite::OPEN_READWRITE);
  CHECK_THROWS(db.exec("UPDATE entries SET outcome = 'failed' WHERE seq = 1"));
  CHECK_THROWS(db.exec("DELETE FROM entries WHERE seq = 1"));
}
