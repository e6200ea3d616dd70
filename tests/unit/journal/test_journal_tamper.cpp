#include "journal_fixture.hpp"

#include <credguard/core/error.hpp>

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>

#include <fstream>

using namespace credguard;
using namespace credguard::test;

namespace {

// What an attacker with write access does: drop the append-only triggers,
// then edit.
void tamper(const std::filesystem::path& path, const std::string& sql)
{
  SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
  db.exec("DROP TRIGGER entries_append_only_update");
  db.exec("DROP TRIGGER entries_append_only_delete");
  db.exec(sql);
}

} // namespace

TEST_CASE("journal verify: an intact chain passes")
{
  TempDir dir;
  fill(dir / "j.db", 20);
  auto result = verify(dir / "j.db");
  CHECK(result.ok);
  CHECK(result.entries == 20);
}

TEST_CASE("journal verify: an edited row is named")
{
  TempDir dir;
  fill(dir / "j.db", 10);
  tamper(dir / "j.db", "UPDATE entries SET outcome = 'failed' WHERE seq = 4");
  auto result = verify(dir / "j.db");
  CHECK_FALSE(result.ok);
  CHECK(result.first_bad_seq == 4);
  CHECK(result.problem.find("modified") != std::string::npos);
}

TEST_CASE("journal verify: an edited row whose hash was recomputed still breaks the chain")
{
  TempDir dir;
  fill(dir / "j.db", 10);
  // Replacing an entry's content and hash makes the next entry's prev_hash wrong.
  tamper(dir / "j.db", "UPDATE entries SET hash = 'f' || substr(hash, 2) WHERE seq = 6");
  auto result = verify(dir / "j.db");
  CHECK_FALSE(result.ok);
  CHECK(result.first_bad_seq == 6);
}

TEST_CASE("journal verify: a deleted row is named")
{
  TempDir dir;
  fill(dir / "j.db", 10);
  tamper(dir / "j.db", "DELETE FROM entries WHERE seq = 5");
  auto result = verify(dir / "j.db");
  CHECK_FALSE(result.ok);
  CHECK(result.first_bad_seq == 5);
  CHECK(result.problem.find("missing") != std::string::npos);
}

TEST_CASE("journal verify: rows deleted from the end are detected")
{
  TempDir dir;
  fill(dir / "j.db", 10);
  tamper(dir / "j.db", "DELETE FROM entries WHERE seq >= 9");
  auto result = verify(dir / "j.db");
  CHECK_FALSE(result.ok);
  CHECK(result.first_bad_seq == 9);
}

TEST_CASE("journal verify: two swapped rows are named")
{
  TempDir dir;
  fill(dir / "j.db", 10);
  // Swap the contents of entries 3 and 7, keeping their sequence numbers.
  tamper(dir / "j.db",
         "CREATE TEMP TABLE t AS SELECT * FROM entries WHERE seq IN (3, 7);"
         "DELETE FROM entries WHERE seq IN (3, 7);"
         "INSERT INTO entries SELECT CASE seq WHEN 3 THEN 7 ELSE 3 END, time, actor, os_user, sudo_user, host, "
         "command, incident, action, target, outcome, reason, evidence, prev_hash, hash FROM t;");
  auto result = verify(dir / "j.db");
  CHECK_FALSE(result.ok);
  CHECK(result.first_bad_seq == 3);
}

TEST_CASE("journal verify: a truncated file is reported, not trusted")
{
  TempDir dir;
  fill(dir / "j.db", 300);
  auto size = std::filesystem::file_size(dir / "j.db");
  REQUIRE_FALSE(std::filesystem::exists(dir / "j.db-wal")); // checkpointed on close
  std::filesystem::resize_file(dir / "j.db", size / 2);
  bool detected = false;
  try {
    detected = !verify(dir / "j.db").ok;
  } catch (const Error&) {
    detected = true; // opening itself fails: also a loud failure
  }
  CHECK(detected);
}

TEST_CASE("journal verify: damage is found beyond the first batch of rows")
{
  TempDir dir;
  bulk_fill(dir / "j.db", 9000); // verify reads and hashes in batches of 4096
  CHECK(verify(dir / "j.db").entries == 9000);
  tamper(dir / "j.db", "UPDATE entries SET reason = 'edited' WHERE seq = 8500");
  auto result = verify(dir / "j.db");
  CHECK_FALSE(result.ok);
  CHECK(result.first_bad_seq == 8500);
}

namespace {

std::string stored_journal_id(const std::filesystem::path& path)
{
  SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
  return db.execAndGet("SELECT value FROM meta WHERE key = 'journal_id'").getString();
}

} // namespace

TEST_CASE("journal verify: an emptied file (: > journal.db) is broken, and the next append records the restart")
{
  TempDir dir;
  auto path = dir / "j.db";
  fill(path, 10);
  std::string old_id = stored_journal_id(path);
  std::filesystem::resize_file(path, 0);
  auto emptied = verify(path);
  CHECK_FALSE(emptied.ok);
  CHECK_THAT(emptied.problem, Catch::Contains("emptied or replaced") && Catch::Contains(old_id));

  fill(path, 1);
  CHECK(stored_journal_id(path) != old_id);
  auto restarted = verify(path);
  INFO(restarted.problem);
  CHECK(restarted.ok);
  CHECK(restarted.entries == 2); // the discontinuity, then the entry
  REQUIRE(restarted.warnings.size() == 1);
  CHECK_THAT(restarted.warnings[0],
             Catch::Contains("entry 1") && Catch::Contains("emptied or replaced") && Catch::Contains("at entry 10"));
}

TEST_CASE("journal verify: every entry and the head row deleted is broken")
{
  TempDir dir;
  fill(dir / "j.db", 10);
  tamper(dir / "j.db", "DROP TRIGGER meta_keep_head_and_id; DELETE FROM entries; DELETE FROM meta WHERE key = 'head'");
  auto result = verify(dir / "j.db");
  CHECK_FALSE(result.ok);
  CHECK_THAT(result.problem, Catch::Contains("head record is missing"));
}

TEST_CASE("journal verify: entries removed from the end with the head rewritten are caught by the anchor")
{
  TempDir dir;
  fill(dir / "j.db", 10);
  SQLite::Database db((dir / "j.db").string(), SQLite::OPEN_READONLY);
  std::string hash7 = db.execAndGet("SELECT hash FROM entries WHERE seq = 7").getString();
  tamper(dir / "j.db",
         "DELETE FROM entries WHERE seq > 7; UPDATE meta SET value = '7:" + hash7 + "' WHERE key = 'head'");
  auto result = verify(dir / "j.db");
  CHECK_FALSE(result.ok);
  CHECK_THAT(result.problem, Catch::Contains("ends before entry 10"));
}

TEST_CASE("journal: the head and id rows cannot be deleted without dropping a trigger")
{
  TempDir dir;
  fill(dir / "j.db", 2);
  SQLite::Database db((dir / "j.db").string(), SQLite::OPEN_READWRITE);
  CHECK_THROWS(db.exec("DELETE FROM meta WHERE key = 'head'"));
  CHECK_THROWS(db.exec("UPDATE meta SET value = 'x' WHERE key = 'journal_id'"));
}

TEST_CASE("journal verify: a missing anchor is a warning, and the next append records it")
{
  TempDir dir;
  auto path = dir / "j.db";
  fill(path, 3);
  std::filesystem::remove(path.string() + ".anchor");
  auto result = verify(path);
  CHECK(result.ok);
  REQUIRE(result.warnings.size() == 1);
  CHECK_THAT(result.warnings[0], Catch::Contains("no anchor"));
  fill(path, 1);
  result = verify(path);
  CHECK(result.ok);
  CHECK(result.entries == 5);
  REQUIRE(result.warnings.size() == 1);
  CHECK_THAT(result.warnings[0], Catch::Contains("entry 4") && Catch::Contains("missing"));
}
