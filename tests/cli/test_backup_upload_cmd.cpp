#include "harness.hpp"
#include "support/mariadb.hpp"
#include "unit/s3/s3_fixture.hpp"

#include <credguard/backup/gzip_file.hpp>
#include <credguard/backup/inventory.hpp>

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
  UploadHarness(const PlatformDatabase& db, const std::string& bucket, const std::string& extra = "")
  {
    const auto& gateway = radosgw();
    clock.set(SystemClock().now());
    env.set("CG_DB_PASSWORD", k_mariadb_password);
    env.set("AWS_ACCESS_KEY_ID", gateway.access_key);
    env.set("AWS_SECRET_ACCESS_KEY", gateway.secret_key);
    config = home.write("config.yaml", db.config_yaml("env:CG_DB_PASSWORD") +
                                           "backup:\n  dir: " + (home / "backups").string() + "\n" + extra +
                                           "s3:\n  endpoint: " + gateway.endpoint + "\n  region: " + gateway.region +
                                           "\n  addressing_style: path\n  backup_bucket: " + bucket + "\n");
  }
  int backup_run(std::vector<std::string> args = {})
  {
    args.insert(args.begin(), {"--config", config.string(), "backup", "run"});
    return run(args);
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
