// The forensic copy against a real S3 server (radosgw), with faults
// injected in transit: a corrupted upload and S3 going away mid-copy.
#include "support/temp_dir.hpp"
#include "unit/s3/s3_fixture.hpp"

#include <credguard/core/files.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/incident/forensic.hpp>
#include <credguard/s3/digest.hpp>

#include <catch2/catch.hpp>

using namespace credguard;
using namespace credguard::test;
using namespace credguard::incident;
using nlohmann::json;

namespace {

struct Copy {
  GatewayClient gw;
  TempDir dir;
  std::string source = unique_bucket("fsrc");
  std::string forensic = unique_bucket("fdst");
  ForensicStore store{&gw.client, forensic, s3::LockMode::compliance, std::chrono::hours(24)};
  ForensicRequest request;
  SystemTime t0 = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  std::map<std::string, std::string> artifacts = {{"model.onnx", std::string(300'000, 'w') + "weights"},
                                                  {"config.pbtxt", "name: \"credit\"\n"},
                                                  {"vocab.txt", "a\nb\n"}};

  Copy()
  {
    gw.client.create_bucket(source);
    gw.client.create_bucket(forensic, s3::CreateBucketOptions{true, std::nullopt});
    for (const auto& [name, body] : artifacts) {
      gw.client.put_object(source, "models/m/7/" + name, body);
    }
    // Other versions whose keys start with the same characters: never evidence of version 7.
    gw.client.put_object(source, "models/m/70/model.onnx", "version 70");
    gw.client.put_object(source, "models/m/7x/model.onnx", "not a version");
    request.model = "m";
    request.version = "7";
    request.incident = "INC-F";
    request.source = "s3://" + source + "/models/m/7"; // as MLflow gives it: no trailing slash
    request.release_manifest = [] { return json{{"model", "m"}, {"version", "7"}}; };
    request.evidence_log = [] { return std::string("{\"seq\":1}\n"); };
    request.scratch = dir.path() / "scratch";
  }

  // The keys S3 holds under the forensic prefix (every version).
  std::set<std::string> stored() const
  {
    std::set<std::string> keys;
    for (const auto& version : const_cast<GatewayClient&>(gw).client.list_object_versions(forensic, "quarantine/")) {
      keys.insert(version.key);
    }
    return keys;
  }
};

bool test_contains(const std::string& text, const std::string& part)
{
  return text.find(part) != std::string::npos;
}

std::set<std::string> keys_of(const ForensicResult& result)
{
  std::set<std::string> keys;
  for (const auto& object : result.objects) {
    keys.insert(object.key);
  }
  return keys;
}

} // namespace

TEST_CASE("forensic: artifacts, release manifest, evidence and MANIFEST.json are locked and their hashes match")
{
  Copy copy;
  auto result = copy_forensic(copy.store, copy.request, copy.t0);
  INFO(result.error);
  REQUIRE(result.ok);
  std::string prefix = "quarantine/m/7/INC-F/";
  CHECK(keys_of(result) == std::set<std::string>{prefix + "artifacts/config.pbtxt", prefix + "artifacts/model.onnx",
                                                 prefix + "artifacts/vocab.txt", prefix + "release_manifest.json",
                                                 prefix + "evidence/journal.jsonl", prefix + "MANIFEST.json"});
  auto manifest = json::parse(copy.gw.client.get_object(copy.forensic, prefix + "MANIFEST.json"));
  CHECK(manifest["objects"].size() == 5);
  for (const auto& object : manifest["objects"]) {
    auto body = copy.gw.client.get_object(copy.forensic, object["key"], object["version_id"]);
    CHECK(s3::sha256_hex(body) == object["sha256"].get<std::string>());
    CHECK(body.size() == object["size"].get<std::uint64_t>());
  }
  CHECK(manifest["objects"][1]["key"] == prefix + "artifacts/model.onnx"); // listed in key order
  CHECK(manifest["objects"][1]["sha256"] == s3::sha256_hex(copy.artifacts.at("model.onnx")));
  for (const auto& object : result.objects) {
    CHECK(object.verified);
    auto retention = copy.gw.client.get_object_retention(copy.forensic, object.key, object.version_id);
    REQUIRE(retention);
    CHECK(retention->mode == s3::LockMode::compliance);
    CHECK(retention->retain_until >= copy.t0 + std::chrono::hours(24));
  }
  // A rerun writes nothing again: every object is there with its hash and lock.
  copy.gw.transport.clear();
  auto again = copy_forensic(copy.store, copy.request, copy.t0);
  REQUIRE(again.ok);
  for (const auto& request : copy.gw.transport.requests()) {
    CHECK(request.method != "PUT");
  }
}

TEST_CASE("forensic: an upload corrupted in transit fails the copy, lists only what S3 took, a rerun completes")
{
  Copy copy;
  // The bytes sent no longer match the Content-MD5 and payload SHA-256 signed for them.
  auto corrupted = copy.dir.path() / "corrupted.bin";
  copy.gw.transport.rewrite = [&corrupted](http::Request& request) {
    if (request.method == "PUT" && test_contains(request.url, "artifacts/model.onnx") && request.body_file) {
      std::string bytes = read_file(request.body_file->path);
      bytes[10] = static_cast<char>(bytes[10] ^ 0x01);
      write_file_atomic(corrupted, bytes);
      request.body_file->path = corrupted;
    }
  };
  auto failed = copy_forensic(copy.store, copy.request, copy.t0);
  REQUIRE_FALSE(failed.ok);
  CHECK((test_contains(failed.error, "BadDigest") || test_contains(failed.error, "XAmzContentSHA256Mismatch")));
  CHECK(test_contains(failed.error, "artifacts/model.onnx"));
  for (const auto& object : failed.objects) {
    CHECK_FALSE(object.verified);
    CHECK(copy.stored().contains(object.key));
  }
  CHECK_FALSE(keys_of(failed).contains("quarantine/m/7/INC-F/artifacts/model.onnx"));
  CHECK_FALSE(copy.stored().contains("quarantine/m/7/INC-F/artifacts/model.onnx"));
  CHECK_FALSE(copy.stored().contains("quarantine/m/7/INC-F/MANIFEST.json"));

  copy.gw.transport.rewrite = nullptr;
  auto rerun = copy_forensic(copy.store, copy.request, copy.t0);
  INFO(rerun.error);
  REQUIRE(rerun.ok);
  CHECK(rerun.objects.size() == 6);
}

TEST_CASE("forensic: S3 going away mid-copy fails the copy without claiming unwritten objects, a rerun completes")
{
  Copy copy;
  int puts = 0;
  std::string endpoint = radosgw().endpoint;
  copy.gw.transport.rewrite = [&puts, endpoint](http::Request& request) {
    if (request.method == "PUT" && ++puts > 1) {
      // Port 1 on loopback: nothing listens, the connection is refused.
      request.url.replace(0, endpoint.size(), "http://127.0.0.1:1");
    }
  };
  auto failed = copy_forensic(copy.store, copy.request, copy.t0);
  REQUIRE_FALSE(failed.ok);
  CHECK(failed.objects.size() == 1);
  auto stored = copy.stored();
  CHECK(stored.size() == 1);
  CHECK(stored == keys_of(failed));

  copy.gw.transport.rewrite = nullptr;
  copy.gw.transport.clear();
  auto rerun = copy_forensic(copy.store, copy.request, copy.t0);
  INFO(rerun.error);
  REQUIRE(rerun.ok);
  CHECK(rerun.objects.size() == 6);
  // The object written before the outage is not written again.
  auto first = *keys_of(failed).begin();
  for (const auto& request : copy.gw.transport.requests()) {
    if (request.method == "PUT") {
      CHECK_FALSE(test_contains(request.url, first));
    }
  }
}

TEST_CASE("forensic: a source that is not on S3 or has no artifacts fails, naming it")
{
  Copy copy;
  copy.request.source = "models:/m/7";
  auto result = copy_forensic(copy.store, copy.request, copy.t0);
  CHECK_FALSE(result.ok);
  CHECK(test_contains(result.error, "models:/m/7"));
  copy.request.source = "s3://" + copy.source + "/nothing/here/";
  result = copy_forensic(copy.store, copy.request, copy.t0);
  CHECK_FALSE(result.ok);
  CHECK(test_contains(result.error, "no artifacts"));
  CHECK(copy.stored().empty());
}

TEST_CASE("forensic: two source keys that map to one destination key are refused before anything is written")
{
  Copy copy;
  copy.gw.client.put_object(copy.source, "models/m/7//vocab.txt", "another vocabulary");
  auto result = copy_forensic(copy.store, copy.request, copy.t0);
  REQUIRE_FALSE(result.ok);
  CHECK(test_contains(result.error, "models/m/7/vocab.txt"));
  CHECK(test_contains(result.error, "models/m/7//vocab.txt"));
  CHECK(result.objects.empty());
  CHECK(copy.stored().empty());
}

TEST_CASE("forensic: a bucket without Object Lock is refused before anything is written")
{
  Copy copy;
  std::string plain = unique_bucket("fplain");
  copy.gw.client.create_bucket(plain);
  copy.store.bucket = plain;
  auto result = copy_forensic(copy.store, copy.request, copy.t0);
  REQUIRE_FALSE(result.ok);
  CHECK(test_contains(result.error, "s3://" + plain + " has no Object Lock configuration"));
  CHECK(result.objects.empty());
  CHECK(copy.gw.client.list_all_objects(plain).empty());
}

TEST_CASE("forensic: a planted object with the right metadata but other bytes is not reused")
{
  Copy copy;
  std::string key = "quarantine/m/7/INC-F/artifacts/config.pbtxt";
  std::string real = copy.artifacts.at("config.pbtxt");
  std::string forged(real.size(), 'X'); // same size, same recorded hash, other bytes
  s3::PutOptions options;
  options.store_sha256 = false;
  options.metadata = {{"sha256", s3::sha256_hex(real)}};
  options.retention = s3::Retention{s3::LockMode::compliance, copy.t0 + std::chrono::hours(24)};
  auto planted = copy.gw.client.put_object(copy.forensic, key, forged, options);

  auto result = copy_forensic(copy.store, copy.request, copy.t0);
  INFO(result.error);
  REQUIRE(result.ok);
  auto manifest = json::parse(copy.gw.client.get_object(copy.forensic, result.prefix + "MANIFEST.json"));
  bool listed = false;
  for (const auto& object : manifest["objects"]) {
    if (object["key"] == key) {
      listed = true;
      CHECK(object["version_id"] != planted.version_id);
      CHECK(copy.gw.client.get_object(copy.forensic, key, object["version_id"]) == real);
    }
  }
  CHECK(listed);
}

TEST_CASE("forensic: MANIFEST.json is written only after every object read back")
{
  Copy copy;
  // Reading back the release manifest's version fails (the request no longer matches its signature).
  copy.gw.transport.rewrite = [](http::Request& request) {
    if (request.method == "GET" && test_contains(request.url, "release_manifest.json") &&
        test_contains(request.url, "versionId") && !test_contains(request.url, "retention")) {
      auto at = request.url.find("release_manifest.json");
      request.url.replace(at, std::string("release_manifest.json").size(), "elsewhere.json");
    }
  };
  auto failed = copy_forensic(copy.store, copy.request, copy.t0);
  REQUIRE_FALSE(failed.ok);
  CHECK(test_contains(failed.error, "release_manifest.json"));
  CHECK_FALSE(copy.stored().contains("quarantine/m/7/INC-F/MANIFEST.json"));
  CHECK(copy.stored().contains("quarantine/m/7/INC-F/release_manifest.json"));
}
