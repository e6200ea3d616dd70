// Object Lock (WORM) against a real S3 server: Ceph radosgw.
#include "support/temp_dir.hpp"
#include "unit/s3/s3_fixture.hpp"

#include <credguard/s3/digest.hpp>

#include <catch2/catch.hpp>

using namespace credguard;
using namespace credguard::test;
using s3::S3Error;

namespace {

// Object Lock dates are kept to the second.
SystemTime seconds_from_now(std::chrono::seconds delta)
{
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now() + delta);
}

std::string locked_bucket(GatewayClient& gw, const std::string& purpose)
{
  std::string bucket = unique_bucket(purpose);
  gw.client.create_bucket(bucket, s3::CreateBucketOptions{true, std::nullopt});
  return bucket;
}

void require_delete_refused(GatewayClient& gw, const std::string& bucket, const std::string& key,
                            const std::string& version, bool bypass)
{
  try {
    gw.client.delete_object(bucket, key, version, bypass);
    FAIL("a locked version was deleted");
  } catch (const S3Error& error) {
    CHECK(error.status() == 403);
    CHECK(error.code() == "AccessDenied");
    CHECK(error.kind() == ErrorKind::auth);
    CHECK(std::string(error.what()).find("DeleteObject s3://" + bucket + "/" + key) != std::string::npos);
    CHECK(error.hint().find("Object Lock") != std::string::npos);
  }
  CHECK(gw.client.head_object(bucket, key, version).has_value());
}

} // namespace

TEST_CASE("radosgw: a bucket created with Object Lock reports it, a plain bucket has none")
{
  GatewayClient gw;
  std::string bucket = locked_bucket(gw, "lockcfg");
  auto configuration = gw.client.get_object_lock_configuration(bucket);
  REQUIRE(configuration);
  CHECK(configuration->enabled);

  std::string plain = unique_bucket("plain");
  gw.client.create_bucket(plain);
  CHECK_FALSE(gw.client.get_object_lock_configuration(plain));
}

TEST_CASE("radosgw: a COMPLIANCE-locked version cannot be deleted, a plain DELETE only adds a delete marker")
{
  GatewayClient gw;
  std::string bucket = locked_bucket(gw, "worm");
  std::string key = "quarantine/credit-risk/7/INC-1/model.bin";
  s3::PutOptions options;
  options.retention = s3::Retention{s3::LockMode::compliance, seconds_from_now(std::chrono::hours(24))};
  s3::PutResult put = gw.client.put_object(bucket, key, "forensic bytes", options);
  REQUIRE_FALSE(put.version_id.empty());

  auto head = gw.client.head_object(bucket, key);
  REQUIRE(head);
  REQUIRE(head->retention);
  CHECK(head->retention->mode == s3::LockMode::compliance);
  CHECK(head->retention->retain_until == options.retention->retain_until);
  auto retention = gw.client.get_object_retention(bucket, key, put.version_id);
  REQUIRE(retention);
  CHECK(retention->mode == s3::LockMode::compliance);
  CHECK(retention->retain_until == options.retention->retain_until);

  require_delete_refused(gw, bucket, key, put.version_id, false);
  require_delete_refused(gw, bucket, key, put.version_id, true); // no bypass for COMPLIANCE

  s3::DeleteResult marker = gw.client.delete_object(bucket, key);
  CHECK(marker.delete_marker);
  CHECK_FALSE(marker.version_id.empty());
  CHECK_FALSE(gw.client.head_object(bucket, key));
  CHECK(gw.client.get_object(bucket, key, put.version_id) == "forensic bytes");

  auto versions = gw.client.list_object_versions(bucket, "quarantine/");
  REQUIRE(versions.size() == 2);
  CHECK(versions[0].delete_marker);
  CHECK(versions[0].is_latest);
  CHECK(versions[1].version_id == put.version_id);
  CHECK(versions[1].size == 14);
}

TEST_CASE("radosgw: COMPLIANCE retention can be extended but not shortened")
{
  GatewayClient gw;
  std::string bucket = locked_bucket(gw, "extend");
  s3::PutOptions options;
  options.retention = s3::Retention{s3::LockMode::compliance, seconds_from_now(std::chrono::hours(24))};
  s3::PutResult put = gw.client.put_object(bucket, "a.bin", "a", options);

  s3::Retention longer{s3::LockMode::compliance, seconds_from_now(std::chrono::hours(48))};
  gw.client.put_object_retention(bucket, "a.bin", longer, put.version_id);
  CHECK(gw.client.get_object_retention(bucket, "a.bin", put.version_id)->retain_until == longer.retain_until);

  s3::Retention shorter{s3::LockMode::compliance, seconds_from_now(std::chrono::hours(1))};
  CHECK_THROWS_AS(gw.client.put_object_retention(bucket, "a.bin", shorter, put.version_id), S3Error);
  CHECK(gw.client.get_object_retention(bucket, "a.bin", put.version_id)->retain_until == longer.retain_until);
}

TEST_CASE("radosgw: a GOVERNANCE-locked version is deleted only with the bypass header")
{
  GatewayClient gw;
  std::string bucket = locked_bucket(gw, "governance");
  s3::PutOptions options;
  options.retention = s3::Retention{s3::LockMode::governance, seconds_from_now(std::chrono::hours(24))};
  s3::PutResult put = gw.client.put_object(bucket, "g.bin", "g", options);
  require_delete_refused(gw, bucket, "g.bin", put.version_id, false);
  gw.client.delete_object(bucket, "g.bin", put.version_id, true);
  CHECK_FALSE(gw.client.head_object(bucket, "g.bin", put.version_id));
}

TEST_CASE("radosgw: a legal hold blocks deletion until it is lifted")
{
  GatewayClient gw;
  std::string bucket = locked_bucket(gw, "hold");
  s3::PutOptions options;
  options.legal_hold = true;
  s3::PutResult put = gw.client.put_object(bucket, "h.bin", "h", options);
  CHECK(gw.client.get_object_legal_hold(bucket, "h.bin", put.version_id));
  CHECK(gw.client.head_object(bucket, "h.bin")->legal_hold);
  require_delete_refused(gw, bucket, "h.bin", put.version_id, false);

  gw.client.put_object_legal_hold(bucket, "h.bin", false, put.version_id);
  CHECK_FALSE(gw.client.get_object_legal_hold(bucket, "h.bin", put.version_id));
  gw.client.delete_object(bucket, "h.bin", put.version_id);
  CHECK_FALSE(gw.client.head_object(bucket, "h.bin", put.version_id));
}

TEST_CASE("radosgw: multipart uploads and copies into a locked bucket are locked")
{
  GatewayClient gw;
  std::string source = unique_bucket("artifacts");
  gw.client.create_bucket(source);
  std::string forensic = locked_bucket(gw, "forensic");
  TempDir dir;
  auto file = random_file(dir, "model.bin", (7U << 20) + 3, 11);
  std::string sha = s3::digest_file(file).sha256_hex;
  s3::Retention retention{s3::LockMode::compliance, seconds_from_now(std::chrono::hours(24))};

  s3::PutOptions put_options;
  put_options.retention = retention;
  s3::PutResult uploaded = gw.client.put_file(forensic, "upload/model.bin", file, put_options);
  CHECK(uploaded.parts == 2);
  require_delete_refused(gw, forensic, "upload/model.bin", uploaded.version_id, false);

  gw.client.put_file(source, "models/credit-risk/7/model.bin", file);
  s3::CopyOptions copy_options;
  copy_options.retention = retention;
  s3::CopyResult copied =
      gw.client.copy_object(source, "models/credit-risk/7/model.bin", forensic, "copy/model.bin", copy_options);
  CHECK(copied.parts == 2);
  auto head = gw.client.head_object(forensic, "copy/model.bin");
  REQUIRE(head);
  REQUIRE(head->retention);
  CHECK(head->retention->mode == s3::LockMode::compliance);
  CHECK(head->metadata.at("sha256") == sha);
  require_delete_refused(gw, forensic, "copy/model.bin", copied.version_id, false);
  CHECK(gw.client.get_object_to_file(forensic, "copy/model.bin", dir / "copy.bin").sha256 == sha);
}

TEST_CASE("radosgw: Object Lock headers on a bucket without Object Lock are refused")
{
  GatewayClient gw;
  std::string bucket = unique_bucket("nolock");
  gw.client.create_bucket(bucket);
  s3::PutOptions options;
  options.retention = s3::Retention{s3::LockMode::compliance, seconds_from_now(std::chrono::hours(1))};
  CHECK_THROWS_AS(gw.client.put_object(bucket, "x.bin", "x", options), S3Error);
  CHECK_FALSE(gw.client.head_object(bucket, "x.bin"));
}

TEST_CASE("radosgw: a multipart upload that cannot be locked names the version left unlocked")
{
  // PROTOCOL-NOTES (S3): radosgw 16 ignores the lock headers on
  // CreateMultipartUpload, and PutObjectRetention after Complete fails on a
  // bucket without Object Lock, leaving the completed object unlocked.
  GatewayClient gw;
  std::string bucket = unique_bucket("nolockmp");
  gw.client.create_bucket(bucket);
  TempDir dir;
  auto file = random_file(dir, "model.bin", (7U << 20) + 3, 12);
  s3::PutOptions options;
  options.retention = s3::Retention{s3::LockMode::compliance, seconds_from_now(std::chrono::hours(1))};
  try {
    gw.client.put_file(bucket, "upload/model.bin", file, options);
    FAIL("no error");
  } catch (const S3Error& e) {
    CHECK_THAT(e.what(), Catch::Contains("s3://" + bucket + "/upload/model.bin") &&
                             Catch::Contains("was written but is NOT under COMPLIANCE retention"));
  }
  auto head = gw.client.head_object(bucket, "upload/model.bin");
  REQUIRE(head); // the completed upload stays, unlocked: the message is what says so
  CHECK_FALSE(head->retention);
}
