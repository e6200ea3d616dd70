#include "harness.hpp"
#include "support/daemon.hpp"
#include "support/mariadb.hpp"
#include "unit/backup/backup_fixture.hpp"
#include "unit/s3/s3_fixture.hpp"

#include <credguard/backup/gzip_file.hpp>
#include <credguard/backup/inventory.hpp>
#include <credguard/journal/journal.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>

using namespace credguard;
using namespace credguard::test;
namespace fs = std::filesystem;

namespace {

// A harness for `backup run` with the database and the test S3 gateway
// configured; its clock follows the real one (S3 refuses skewed signatures).
struct UploadHarness : CliHarness {
  UploadHarness(const PlatformDatabase& db, const std::string& bucket, const std::string& extra = "",
                std::string endpoint = radosgw().endpoint)
  {
    const auto& gateway = radosgw();
    clock.set(SystemClock().now());
    env.set("CG_DB_PASSWORD", k_mariadb_password);
    env.set("AWS_ACCESS_KEY_ID", gateway.access_key);
    env.set("AWS_SECRET_ACCESS_KEY", gateway.secret_key);
    config = home.write("config.yaml", db.config_yaml("env:CG_DB_PASSWORD") +
                                           "backup:\n  dir: " + (home / "backups").string() + "\n" + extra +
                                           "s3:\n  endpoint: " + endpoint + "\n  region: " + gateway.region +
                                           "\n  addressing_style: path\n  backup_bucket: " + bucket + "\n");
  }
  int backup_run(std::vector<std::string> args = {})
  {
    args.insert(args.begin(), {"--config", config.string(), "backup", "run"});
    return run(args);
  }
  int archive(std::vector<std::string> args = {})
  {
    args.insert(args.begin(), {"--config", config.string(), "backup", "archive-jobs", "--older-than", "90d"});
    return run(args);
  }
  std::vector<journal::Entry> entries(const std::string& action)
  {
    journal::Journal journal(home / "journal.db", journal::Journal::Mode::read_only, clock, {});
    journal::Filter filter;
    filter.action_prefix = action;
    return journal.list(filter);
  }
  backup::BackupFile newest() { return backup::list_backups(home / "backups", backup::k_backup_pattern).at(0); }
  fs::path config;
};

} // namespace

TEST_CASE("backup upload: the backup and its checksum land in the bucket under Object Lock, byte for byte")
{
  PlatformDatabase db;
  db.sql("INSERT INTO users (email) VALUES ('a@x');");
  GatewayClient s3;
  auto bucket = unique_bucket("backup");
  s3::CreateBucketOptions locked;
  locked.object_lock = true;
  s3.client.create_bucket(bucket, locked);
  UploadHarness h(db, bucket, "  object_lock_retention: 1d\n");
  REQUIRE(h.backup_run({"--output", "json"}) == 0);
  auto json = nlohmann::json::parse(h.out.str());
  auto file = h.newest();
  CHECK(json["upload"]["ok"] == true);
  CHECK(json["upload"]["key"] == "mysql/" + file.name);
  CHECK(json["upload"]["locked"] == true);

  CHECK(s3.client.get_object(bucket, "mysql/" + file.name) == slurp(file.path));
  CHECK(s3.client.get_object(bucket, "mysql/" + file.name + ".sha256") == slurp(file.path.string() + ".sha256"));
  auto retention = s3.client.get_object_retention(bucket, "mysql/" + file.name);
  REQUIRE(retention);
  CHECK(retention->mode == s3::LockMode::compliance);
  CHECK(retention->retain_until > SystemClock().now() + std::chrono::hours(23));
  auto everything = h.out.str() + h.err.str() + slurp(h.home / "journal.db");
  CHECK(everything.find(radosgw().secret_key) == std::string::npos);
  CHECK(everything.find(k_mariadb_password) == std::string::npos);
}

TEST_CASE("backup upload: a failed upload keeps the local backup, exits 2 and says why")
{
  PlatformDatabase db;
  UploadHarness h(db, unique_bucket("missing")); // never created
  CHECK(h.backup_run() == 2);
  CHECK_THAT(h.out.str(), Catch::Contains("FAILED upload to s3://") && Catch::Contains("NoSuchBucket"));
  CHECK(backup::check_integrity(h.newest().path, backup::k_dump_completed).ok);
  h.clock.advance(std::chrono::seconds(1));
  CHECK(h.backup_run({"--no-upload"}) == 0);
  CHECK_THAT(h.out.str(), !Catch::Contains("upload"));
}

TEST_CASE("archive-jobs upload: the verified export lands in the bucket byte for byte before any row is deleted")
{
  PlatformDatabase db;
  seed_platform(db, 20, 5); // job j created j*10+5 days ago: jobs 9..20 are older than 90 days
  GatewayClient s3;
  auto bucket = unique_bucket("archive");
  s3::CreateBucketOptions locked;
  locked.object_lock = true;
  s3.client.create_bucket(bucket, locked);
  UploadHarness h(db, bucket, "  object_lock_retention: 1d\n");
  REQUIRE(h.archive({"--output", "json", "--batch-size", "7"}) == 0);
  auto json = nlohmann::json::parse(h.out.str());
  fs::path file = json["file"].get<std::string>();
  REQUIRE(fs::exists(file));
  auto key = "archive/" + file.filename().string();
  CHECK(json["upload"]["ok"] == true);
  CHECK(json["upload"]["key"] == key);
  CHECK(json["upload"]["locked"] == true);
  CHECK(json["deleted_jobs"] == 12);
  CHECK(json["deleted_scores"] == 60);

  CHECK(s3.client.get_object(bucket, key) == slurp(file));
  CHECK(s3.client.get_object(bucket, key + ".sha256") == slurp(file.string() + ".sha256"));
  CHECK_THAT(slurp(file.string() + ".sha256"), Catch::StartsWith(json["sha256"].get<std::string>()));
  auto retention = s3.client.get_object_retention(bucket, key);
  REQUIRE(retention);
  CHECK(retention->retain_until > SystemClock().now() + std::chrono::hours(23));
  CHECK(count_of(db, "SELECT COUNT(*) FROM batch_jobs;") == 8);
  CHECK(count_of(db, "SELECT COUNT(*) FROM customer_scores;") == 40);
  auto runs = h.entries("job.archive-jobs");
  REQUIRE(runs.size() == 2);
  CHECK(runs[1].what.evidence["upload"]["key"] == key);
  auto everything = h.out.str() + h.err.str() + slurp(h.home / "journal.db");
  CHECK(everything.find(radosgw().secret_key) == std::string::npos);
  CHECK(everything.find(k_mariadb_password) == std::string::npos);
}

TEST_CASE("archive-jobs upload: a bucket that does not exist deletes nothing, exits 2 and names the bucket")
{
  PlatformDatabase db;
  seed_platform(db, 20, 5);
  auto bucket = unique_bucket("missing"); // never created
  UploadHarness h(db, bucket);
  CHECK(h.archive() == 2);
  CHECK_THAT(h.err.str(), Catch::Contains("s3://" + bucket + "/archive/jobs-") && Catch::Contains("NoSuchBucket") &&
                              Catch::Contains(radosgw().endpoint) && Catch::Contains("nothing was deleted"));
  CHECK(count_of(db, "SELECT COUNT(*) FROM batch_jobs;") == 20);
  CHECK(count_of(db, "SELECT COUNT(*) FROM customer_scores;") == 100);
  auto runs = h.entries("job.archive-jobs");
  REQUIRE(runs.size() == 2);
  CHECK(runs[1].what.outcome == "failed");
  auto everything = h.out.str() + h.err.str() + slurp(h.home / "journal.db");
  CHECK(everything.find(radosgw().secret_key) == std::string::npos);
  CHECK(everything.find(k_mariadb_password) == std::string::npos);

  h.clock.advance(std::chrono::seconds(1)); // a new export name
  CHECK(h.archive({"--no-upload"}) == 0);
  CHECK_THAT(h.out.str(), !Catch::Contains("upload"));
  CHECK(count_of(db, "SELECT COUNT(*) FROM batch_jobs;") == 8);
}

TEST_CASE("archive-jobs upload: an unreachable S3 endpoint deletes nothing, exits 69 and names the endpoint")
{
  PlatformDatabase db;
  seed_platform(db, 20, 5);
  auto endpoint = "http://127.0.0.1:" + std::to_string(free_port());
  UploadHarness h(db, unique_bucket("nowhere"), "", endpoint);
  CHECK(h.archive() == 69);
  CHECK_THAT(h.err.str(), Catch::Contains(endpoint) && Catch::Contains("nothing was deleted"));
  CHECK(count_of(db, "SELECT COUNT(*) FROM batch_jobs;") == 20);
  CHECK(count_of(db, "SELECT COUNT(*) FROM customer_scores;") == 100);
  auto everything = h.out.str() + h.err.str() + slurp(h.home / "journal.db");
  CHECK(everything.find(radosgw().secret_key) == std::string::npos);
}

TEST_CASE("backup upload: a lock asked of a bucket without Object Lock is refused before anything is uploaded")
{
  PlatformDatabase db;
  GatewayClient s3;
  auto bucket = unique_bucket("backupnolock");
  s3.client.create_bucket(bucket); // no Object Lock
  UploadHarness h(db, bucket, "  object_lock_retention: 1d\n");
  CHECK(h.backup_run() == 2);
  CHECK_THAT(h.out.str(), Catch::Contains("s3://" + bucket + " has no Object Lock configuration") &&
                              Catch::Contains("nothing was uploaded"));
  CHECK(s3.client.list_all_objects(bucket).empty());
  CHECK(backup::check_integrity(h.newest().path, backup::k_dump_completed).ok);
}
