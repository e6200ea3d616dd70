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
