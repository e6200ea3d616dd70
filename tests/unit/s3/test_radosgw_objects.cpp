// Object operations against a real S3 server: Ceph radosgw (support/radosgw.hpp).
#include "support/temp_dir.hpp"
#include "unit/s3/s3_fixture.hpp"

#include <credguard/s3/digest.hpp>

#include <catch2/catch.hpp>

#include <algorithm>

using namespace credguard;
using namespace credguard::test;
using s3::S3Error;

namespace {

std::vector<std::string> keys_of(const std::vector<s3::ObjectSummary>& objects)
{
  std::vector<std::string> keys;
  for (const auto& object : objects) {
    keys.push_back(object.key);
  }
  return keys;
}

} // namespace

TEST_CASE("radosgw: put, head, get and delete round trip")
{
  GatewayClient gw;
  std::string bucket = unique_bucket("objects");
  gw.client.create_bucket(bucket);
  CHECK(gw.client.bucket_exists(bucket));
  CHECK_FALSE(gw.client.bucket_exists(unique_bucket("absent")));

  s3::PutOptions options;
  options.content_type = "application/json";
  options.metadata["Incident"] = "INC-20261123-001";
  std::string body = R"({"model":"credit-risk","version":7})";
  s3::PutResult put = gw.client.put_object(bucket, "manifests/credit-risk/7.json", body, options);
  CHECK(put.size == body.size());
  CHECK(put.sha256 == s3::sha256_hex(body));
  CHECK(put.etag == s3::to_hex(*s3::from_base64(s3::md5_base64(body))));

  auto head = gw.client.head_object(bucket, "manifests/credit-risk/7.json");
  REQUIRE(head);
  CHECK(head->size == body.size());
  CHECK(head->etag == put.etag);
  CHECK(head->content_type == "application/json");
  CHECK(head->metadata.at("incident") == "INC-20261123-001");
  CHECK(head->metadata.at("sha256") == put.sha256);
  CHECK(head->last_modified.has_value());

  CHECK(gw.client.get_object(bucket, "manifests/credit-risk/7.json") == body);

  TempDir dir;
  auto target = dir / "downloads/7.json";
  s3::GetResult got = gw.client.get_object_to_file(bucket, "manifests/credit-risk/7.json", target);
  CHECK(slurp(target) == body);
  CHECK(got.sha256 == put.sha256);
  CHECK(got.info.size == body.size());
  // Only the renamed file remains: no temporary file is left behind.
  CHECK(std::distance(std::filesystem::directory_iterator(dir / "downloads"), {}) == 1);

  s3::DeleteResult deleted = gw.client.delete_object(bucket, "manifests/credit-risk/7.json");
  CHECK_FALSE(deleted.delete_marker); // the bucket is not versioned
  CHECK_FALSE(gw.client.head_object(bucket, "manifests/credit-risk/7.json"));

  auto missing = dir / "missing.json";
  try {
    gw.client.get_object_to_file(bucket, "manifests/credit-risk/7.json", missing);
    FAIL("a missing key was downloaded");
  } catch (const S3Error& error) {
    CHECK(error.code() == "NoSuchKey");
    CHECK(error.status() == 404);
    CHECK(error.kind() == ErrorKind::data);
    std::string message = error.what();
    CHECK(message.find("GetObject s3://" + bucket + "/manifests/credit-risk/7.json") != std::string::npos);
    CHECK(message.find(radosgw().endpoint) != std::string::npos);
  }
  CHECK_FALSE(std::filesystem::exists(missing));
  CHECK(std::distance(std::filesystem::directory_iterator(dir.path()), {}) == 1); // only downloads/
  // The debug log saw every exchange, and no credential.
  CHECK(gw.log.text().find("GET " + radosgw().endpoint) != std::string::npos);
  CHECK(gw.log.text().find(radosgw().secret_key) == std::string::npos);
}

TEST_CASE("radosgw: a missing bucket is NoSuchBucket, named in the error")
{
  GatewayClient gw;
  std::string bucket = unique_bucket("nobucket");
  try {
    gw.client.put_object(bucket, "a.txt", "x");
    FAIL("wrote into a missing bucket");
  } catch (const S3Error& error) {
    CHECK(error.code() == "NoSuchBucket");
    CHECK(error.kind() == ErrorKind::data);
    CHECK(std::string(error.what()).find("PutObject s3://" + bucket + "/a.txt") != std::string::npos);
  }
}

TEST_CASE("radosgw: keys with spaces, unicode and reserved characters round-trip and list exactly")
{
  GatewayClient gw;
  std::string bucket = unique_bucket("keys");
  gw.client.create_bucket(bucket);
  const std::vector<std::string> keys = {"dir/with space/file name.txt",
                                         "unicode/ação-ሴ.bin",
                                         "tilde~plus+equals=amp&semi;.txt",
                                         "dots/./and/../x",
                                         "percent%20literal",
                                         "double//slash",
                                         "question?hash#colon:at@.txt",
                                         "trailing-space "};
  for (const auto& key : keys) {
    gw.client.put_object(bucket, key, "content of " + key);
  }
  for (const auto& key : keys) {
    INFO(key);
    CHECK(gw.client.get_object(bucket, key) == "content of " + key);
  }
  auto listed = keys_of(gw.client.list_all_objects(bucket));
  auto expected = keys;
  std::sort(expected.begin(), expected.end());
  CHECK(listed == expected);
}

TEST_CASE("radosgw: ListObjectsV2 pages with continuation tokens and groups by delimiter")
{
  GatewayClient gw;
  std::string bucket = unique_bucket("list");
  gw.client.create_bucket(bucket);
  std::vector<std::string> keys;
  for (int i = 0; i < 7; ++i) {
    keys.push_back("evidence/log-" + std::to_string(i) + ".txt");
  }
  keys.push_back("other/readme.txt");
  for (const auto& key : keys) {
    gw.client.put_object(bucket, key, key);
  }

  s3::ListOptions options;
  options.prefix = "evidence/";
  options.max_keys = 3;
  s3::ListPage first = gw.client.list_objects(bucket, options);
  CHECK(first.objects.size() == 3);
  CHECK(first.truncated);
  REQUIRE_FALSE(first.next_continuation_token.empty());
  CHECK(first.objects[0].key == "evidence/log-0.txt");
  CHECK(first.objects[0].size == std::string("evidence/log-0.txt").size());

  options.continuation_token = first.next_continuation_token;
  s3::ListPage second = gw.client.list_objects(bucket, options);
  CHECK(second.objects.front().key == "evidence/log-3.txt");

  auto all = keys_of(gw.client.list_all_objects(bucket, "evidence/"));
  CHECK(all == std::vector<std::string>(keys.begin(), keys.begin() + 7));

  // Paging in list_all_objects itself: one request per page of 3 keys.
  gw.transport.clear();
  s3::ListOptions small;
  small.max_keys = 3;
  std::vector<std::string> paged;
  for (;;) {
    auto page = gw.client.list_objects(bucket, small);
    for (const auto& object : page.objects) {
      paged.push_back(object.key);
    }
    if (!page.truncated) {
      break;
    }
    small.continuation_token = page.next_continuation_token;
  }
  CHECK(paged.size() == keys.size());
  CHECK(gw.transport.requests().size() == 3);

  s3::ListOptions grouped;
  grouped.delimiter = "/";
  s3::ListPage top = gw.client.list_objects(bucket, grouped);
  CHECK(top.objects.empty());
  CHECK(top.common_prefixes == std::vector<std::string>{"evidence/", "other/"});
}

TEST_CASE("radosgw: a file larger than the part size is uploaded in parts streamed from disk")
{
  GatewayClient gw;
  std::string bucket = unique_bucket("multipart");
  gw.client.create_bucket(bucket);
  TempDir dir;
  std::size_t size = (12U << 20) + 12345;
  auto file = random_file(dir, "model.bin", size, 7);
  std::string local_sha = s3::digest_file(file).sha256_hex;

  gw.transport.clear();
  s3::PutResult put = gw.client.put_file(bucket, "artifacts/model.bin", file);
  CHECK(put.parts == 3);
  CHECK(put.size == size);
  CHECK(put.sha256 == local_sha);
  CHECK(put.etag.ends_with("-3"));

  // Every part went out as a file range, never as an in-memory body.
  int parts = 0;
  for (const auto& request : gw.transport.requests()) {
    if (request.method == "PUT" && request.url.find("partNumber=") != std::string::npos) {
      ++parts;
      CHECK(request.body.empty());
      REQUIRE(request.body_file);
      CHECK(request.body_file->path == file);
      CHECK(request.body_file->length.value_or(0) <= (5U << 20));
      CHECK(header_of(request, "Content-MD5").has_value());
    }
  }
  CHECK(parts == 3);
  CHECK(gw.client.list_multipart_uploads(bucket).empty());

  auto head = gw.client.head_object(bucket, "artifacts/model.bin");
  REQUIRE(head);
  CHECK(head->size == size);
  CHECK(head->metadata.at("sha256") == local_sha);
  s3::GetResult got = gw.client.get_object_to_file(bucket, "artifacts/model.bin", dir / "back.bin");
  CHECK(got.sha256 == local_sha);
}

TEST_CASE("radosgw: server-side copy, single and multipart")
{
  GatewayClient gw;
  std::string source = unique_bucket("copy-src");
  std::string target = unique_bucket("copy-dst");
  gw.client.create_bucket(source);
  gw.client.create_bucket(target);
  TempDir dir;

  s3::PutOptions text;
  text.content_type = "text/plain";
  gw.client.put_object(source, "small.txt", "small artifact", text);
  s3::CopyResult small = gw.client.copy_object(source, "small.txt", target, "copies/small.txt");
  CHECK(small.parts == 0);
  CHECK(small.size == 14);
  CHECK(gw.client.get_object(target, "copies/small.txt") == "small artifact");
  CHECK(gw.client.head_object(target, "copies/small.txt")->content_type == "text/plain");

  auto file = random_file(dir, "big.bin", (11U << 20) + 1, 3);
  std::string sha = s3::digest_file(file).sha256_hex;
  gw.client.put_file(source, "big.bin", file);
  gw.transport.clear();
  s3::CopyResult big = gw.client.copy_object(source, "big.bin", target, "copies/big.bin");
  CHECK(big.parts == 3);
  int ranges = 0;
  for (const auto& request : gw.transport.requests()) {
    ranges += header_of(request, "x-amz-copy-source-range").has_value() ? 1 : 0;
    CHECK(request.body_file == std::nullopt); // no byte of the object passed through us
  }
  CHECK(ranges == 3);
  auto head = gw.client.head_object(target, "copies/big.bin");
  REQUIRE(head);
  CHECK(head->metadata.at("sha256") == sha); // carried over from the source
  CHECK(gw.client.get_object_to_file(target, "copies/big.bin", dir / "big-copy.bin").sha256 == sha);

  CHECK_THROWS_AS(gw.client.copy_object(source, "absent.bin", target, "x"), S3Error);
}

TEST_CASE("radosgw: object tags round-trip")
{
  GatewayClient gw;
  std::string bucket = unique_bucket("tags");
  gw.client.create_bucket(bucket);
  s3::PutOptions options;
  options.tags = {{"incident", "INC-1"}, {"state", "quarantined"}};
  gw.client.put_object(bucket, "a.bin", "a", options);
  CHECK(gw.client.get_object_tagging(bucket, "a.bin") == options.tags);
  std::vector<s3::Tag> replaced = {{"state", "released & cleared"}};
  gw.client.put_object_tagging(bucket, "a.bin", replaced);
  CHECK(gw.client.get_object_tagging(bucket, "a.bin") == replaced);
}

TEST_CASE("radosgw: virtual-host addressing puts the bucket in the host name")
{
  const auto& gateway = radosgw();
  auto options = gateway_options(gateway);
  options.endpoint = gateway.vhost_endpoint;
  options.addressing = s3::Addressing::virtual_host;
  GatewayClient gw(options);
  std::string bucket = unique_bucket("vhost");
  gw.client.create_bucket(bucket);
  gw.client.put_object(bucket, "dir/object.txt", "virtual host");
  CHECK(gw.client.get_object(bucket, "dir/object.txt") == "virtual host");
  CHECK(gw.client.list_all_objects(bucket).size() == 1);
  auto requests = gw.transport.requests();
  REQUIRE_FALSE(requests.empty());
  CHECK(requests.back().url.starts_with("http://" + bucket + ".localhost:" + std::to_string(gateway.port) + "/"));
}
