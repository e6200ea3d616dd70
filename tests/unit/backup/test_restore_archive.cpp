#include "backup_fixture.hpp"

#include <credguard/backup/archive_jobs.hpp>
#include <credguard/backup/restore_test.hpp>
#include <credguard/backup/run.hpp>
#include <credguard/core/error.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

using namespace credguard;
using namespace credguard::backup;
using namespace credguard::test;
namespace fs = std::filesystem;

namespace {

const SystemTime k_now = SystemTime(std::chrono::seconds(1'795'420'800)); // 2026-11-23T08:00:00Z
const std::vector<std::string> k_tables = {"batch_jobs", "customer_scores", "bureau_cache", "users"};

bool database_exists(const PlatformDatabase& db, const std::string& name)
{
  return count_of(db, "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '" + name + "';") == 1;
}

} // namespace

TEST_CASE("restore-test: a good backup passes, the scratch database is dropped")
{
  PlatformDatabase db;
  seed_platform(db);
  TempDir dir;
  auto connect = connect_to(db);
  auto backup = run_backup(connect, {dir.path(), k_now, {}, {}}).file.path;
  auto client = mysql::make_client(connect);
  auto scratch = db.name() + "_scratch";
  auto result = restore_test(*client, connect, {backup, scratch, k_tables, 10, {}});
  CHECK(result.ok);
  CHECK(result.problem.empty());
  REQUIRE(result.tables.size() == 4);
  CHECK(result.tables[1].table == "customer_scores");
  CHECK(result.tables[1].restored == std::optional<std::uint64_t>(200));
  CHECK(result.tables[1].live == std::optional<std::uint64_t>(200));
  CHECK(result.restored_rows == 20 + 200 + 1 + 2);
  CHECK(result.scratch_dropped);
  CHECK_FALSE(database_exists(db, scratch));
}

TEST_CASE("restore-test: fails on a short table, a damaged backup or a missing table, and still drops the scratch")
{
  PlatformDatabase db;
  seed_platform(db, 10, 2);
  TempDir dir;
  auto connect = connect_to(db);
  auto backup = run_backup(connect, {dir.path(), k_now, {}, {}}).file.path;
  auto client = mysql::make_client(connect);
  auto scratch = db.name() + "_scratch";
  RestoreTestResult result;
  SECTION("live grew far beyond the backup")
  {
    db.sql("INSERT INTO bureau_cache (cpf, payload, expiresAt) SELECT cpf, 'p', NOW() FROM customer_scores;");
    result = restore_test(*client, connect, {backup, scratch, k_tables, 10, {}});
    CHECK_THAT(result.problem, Catch::Contains("bureau_cache: 1 rows restored, 21 live"));
  }
  SECTION("a flipped byte")
  {
    {
      std::fstream file(backup, std::ios::in | std::ios::out | std::ios::binary);
      file.seekp(200);
      file.put('\x00');
    }
    result = restore_test(*client, connect, {backup, scratch, k_tables, 10, {}});
    CHECK_THAT(result.problem, Catch::Contains("SHA-256"));
    CHECK_FALSE(result.scratch_dropped); // never created
  }
  SECTION("a table the backup does not have")
  {
    db.sql("CREATE TABLE audit_extra (id INT PRIMARY KEY);");
    result = restore_test(*client, connect, {backup, scratch, {"users", "audit_extra"}, 10, {}});
    CHECK_THAT(result.problem, Catch::Contains("audit_extra: missing from the restored copy"));
  }
  CHECK_FALSE(result.ok);
  CHECK_FALSE(database_exists(db, scratch));
}

TEST_CASE("restore-test: refuses names that are not identifiers and the live database as scratch")
{
  PlatformDatabase db;
  auto connect = connect_to(db);
  auto client = mysql::make_client(connect);
  CHECK_THROWS_WITH(restore_test(*client, connect, {"x.sql.gz", "x`; DROP DATABASE y", k_tables, 10, {}}),
                    Catch::Contains("not a plain identifier"));
  CHECK_THROWS_WITH(restore_test(*client, connect, {"x.sql.gz", db.name(), k_tables, 10, {}}),
                    Catch::Contains("must not be the live database"));
}

TEST_CASE("archive-jobs: exports, verifies, then deletes exactly the old jobs and their scores")
{
  PlatformDatabase db;
  seed_platform(db, 20, 5); // job j created j*10+5 days ago: jobs 9..20 are older than 90 days
  TempDir dir;
  auto connect = connect_to(db);
  auto client = mysql::make_client(connect);
  ArchiveOptions options;
  options.dir = dir.path();
  options.now = k_now;
  options.batch_size = 7; // several batches
  auto result = archive_jobs(*client, connect, options);
  CHECK(result.jobs == 12);
  CHECK(result.scores == 60);
  CHECK(result.deleted_scores == 60);
  CHECK(result.deleted_jobs == 12);
  REQUIRE(result.file);
  CHECK(result.file->path == dir / "jobs-20261123-080000.sql.gz");
  CHECK(check_integrity(result.file->path, k_dump_completed).ok);
  CHECK(count_of(db, "SELECT COUNT(*) FROM batch_jobs;") == 8);
  CHECK(count_of(db, "SELECT MAX(id) FROM batch_jobs;") == 8);
  CHECK(count_of(db, "SELECT COUNT(*) FROM customer_scores;") == 40);

  // The export loads back: every archived row returns.
  restore_database(connect, db.name(), result.file->path, {});
  CHECK(count_of(db, "SELECT COUNT(*) FROM batch_jobs;") == 20);
  CHECK(count_of(db, "SELECT COUNT(*) FROM customer_scores;") == 100);
}

TEST_CASE("archive-jobs: a failure before the export is verified deletes nothing")
{
  PlatformDatabase db;
  seed_platform(db, 20, 5);
  TempDir dir;
  TempDir tools;
  auto connect = connect_to(db);
  auto client = mysql::make_client(connect);
  ArchiveOptions options;
  options.dir = dir.path();
  options.now = k_now;
  SECTION("the export is truncated before verification")
  {
    options.before_verify = [](const WrittenFile& file) { fs::resize_file(file.path, file.bytes / 2); };
    CHECK_THROWS_WITH(archive_jobs(*client, connect, options),
                      Catch::Contains("does not verify") && Catch::Contains("nothing was deleted"));
  }
  SECTION("the export loses rows but stays a valid gzip")
  {
    options.before_verify = [](const WrittenFile& file) {
      auto path = file.path;
      {
        GzipFileWriter rewrite(path.parent_path() / "short.sql.gz");
        GzipFileReader reader(path);
        std::string text;
        char buffer[4096];
        while (auto n = reader.read(buffer, sizeof buffer)) {
          text.append(buffer, n);
        }
        auto first = text.find("INSERT INTO `customer_scores`");
        text.erase(first, text.find('\n', first) + 1 - first);
        rewrite.write(text);
        rewrite.commit();
      }
      fs::rename(path.parent_path() / "short.sql.gz", path);
      fs::rename(path.parent_path() / "short.sql.gz.sha256", path.string() + ".sha256");
    };
    CHECK_THROWS_WITH(archive_jobs(*client, connect, options), Catch::Contains("59 scores, the database 12 and 60"));
  }
  SECTION("the step between verification and deletion (the S3 upload) fails")
  {
    bool called = false;
    options.before_delete = [&called](const WrittenFile& file) {
      called = true;
      CHECK(check_integrity(file.path, k_dump_completed).ok); // it runs on a verified export
      throw Error(ErrorKind::unavailable, "s3 unreachable");
    };
    CHECK_THROWS_WITH(archive_jobs(*client, connect, options), "s3 unreachable");
    CHECK(called);
  }
  SECTION("the dump tool fails")
  {
    auto script = tools.write("fake-dump", "#!/bin/sh\necho 'INSERT INTO `batch_jobs` VALUES (1);'\nexit 2\n");
    fs::permissions(script, fs::perms::owner_all);
    options.tools.dump = script.string();
    CHECK_THROWS_WITH(archive_jobs(*client, connect, options), Catch::Contains("exit status 2"));
    CHECK(fs::is_empty(dir.path()));
  }
  CHECK(count_of(db, "SELECT COUNT(*) FROM batch_jobs;") == 20);
  CHECK(count_of(db, "SELECT COUNT(*) FROM customer_scores;") == 100);
}

TEST_CASE("archive-jobs: a dry run counts and changes nothing")
{
  PlatformDatabase db;
  seed_platform(db, 20, 1);
  TempDir dir;
  auto connect = connect_to(db);
  auto client = mysql::make_client(connect);
  ArchiveOptions options;
  options.dir = dir / "archive";
  options.now = k_now;
  options.older_than = Millis(150LL * 24 * 3'600'000);
  options.dry_run = true;
  auto result = archive_jobs(*client, connect, options);
  CHECK(result.jobs == 6); // 155..205 days
  CHECK(result.scores == 6);
  CHECK_FALSE(result.file);
  CHECK_FALSE(fs::exists(dir / "archive"));
  CHECK(count_of(db, "SELECT COUNT(*) FROM batch_jobs;") == 20);
}
