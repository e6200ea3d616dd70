// credguard quarantine end to end: the built binary against the fake
// MLflow and serving layers, and a real S3 server (radosgw) as the
// forensic bucket.
#include "platform.hpp"
#include "unit/s3/s3_fixture.hpp"

#include <credguard/s3/digest.hpp>

#include <catch2/catch.hpp>

using namespace credguard;
using namespace credguard::test;
using nlohmann::json;

namespace {

struct QuarantinePlatform {
  Platform platform;
  GatewayClient gw;
  std::string source = unique_bucket("qsrc");
  std::string forensic = unique_bucket("qfor");
  std::string weights = std::string(100'000, 'x') + "weights";

  QuarantinePlatform()
  {
    gw.client.create_bucket(source);
    gw.client.create_bucket(forensic, s3::CreateBucketOptions{true, std::nullopt});
    gw.client.put_object(source, "credit-score/7/model.onnx", weights);
    gw.client.put_object(source, "credit-score/7/config.pbtxt", "name: \"credit\"\n");
    platform.mlflow.set_source("credit-score", 7, "s3://" + source + "/credit-score/7/");
    const auto& info = radosgw();
    platform.credguard.env["AWS_ACCESS_KEY_ID"] = info.access_key;
    platform.credguard.env["AWS_SECRET_ACCESS_KEY"] = info.secret_key;
    platform.write_config("s3:\n  endpoint: " + info.endpoint + "\n  region: " + info.region +
                          "\n  addressing_style: path\n  forensic_bucket: " + forensic +
                          "\n  object_lock_mode: COMPLIANCE\n  object_lock_retention: 1d\n");
  }

  void check_no_secret(const std::vector<ProcessResult>& results) const
  {
    auto journal = platform.journal_bytes();
    auto secrets = fixture_secrets();
    secrets.push_back(radosgw().secret_key);
    for (const auto& secret : secrets) {
      INFO(secret);
      for (const auto& result : results) {
        CHECK(result.out.find(secret) == std::string::npos);
        CHECK(result.err.find(secret) == std::string::npos);
      }
      CHECK(journal.find(secret) == std::string::npos);
    }
  }
};

const std::vector<std::string> k_quarantine = {"quarantine", "credit-score",        "7",     "--incident", "INC-Q1",
                                               "--reason",   "suspected poisoning", "--ttl", "14d",        "--yes"};

} // namespace

TEST_CASE("e2e quarantine: marked with its deadline, blocked, and a locked, verified forensic copy")
{
  QuarantinePlatform q;
  auto& platform = q.platform;
  auto result = platform.run(k_quarantine);
  INFO(result.out << result.err);
  REQUIRE(result.exit_code == 0);

  auto tags = platform.mlflow.tags("credit-score", 7);
  CHECK(tags.at("credguard.state") == "Quarantined");
  CHECK(tags.at("credguard.incident") == "INC-Q1");
  CHECK(tags.contains("credguard.quarantine_until"));
  CHECK_FALSE(tags.contains("credguard.previous_state")); // 7 was untagged
  CHECK(platform.gateway.denylisted("credit-score", "7"));
  CHECK(platform.mlflow.alias("credit-score", "production") == "6");

  std::string prefix = "quarantine/credit-score/7/INC-Q1/";
  auto manifest = json::parse(q.gw.client.get_object(q.forensic, prefix + "MANIFEST.json"));
  REQUIRE(manifest["objects"].size() == 4);
  std::set<std::string> keys;
  for (const auto& object : manifest["objects"]) {
    std::string key = object["key"];
    std::string version_id = object["version_id"];
    keys.insert(key);
    auto body = q.gw.client.get_object(q.forensic, key, version_id);
    CHECK(s3::sha256_hex(body) == object["sha256"].get<std::string>());
    auto retention = q.gw.client.get_object_retention(q.forensic, key, version_id);
    REQUIRE(retention);
    CHECK(retention->mode == s3::LockMode::compliance);
    // A locked version cannot be deleted.
    CHECK_THROWS_AS(q.gw.client.delete_object(q.forensic, key, version_id), s3::S3Error);
    CHECK(q.gw.client.head_object(q.forensic, key, version_id));
  }
  CHECK(keys == std::set<std::string>{prefix + "artifacts/model.onnx", prefix + "artifacts/config.pbtxt",
                                      prefix + "release_manifest.json", prefix + "evidence/journal.jsonl"});
  for (const auto& object : manifest["objects"]) {
    if (object["key"] == prefix + "artifacts/model.onnx") {
      CHECK(object["sha256"] == s3::sha256_hex(q.weights));
      CHECK(object["origin"] == "s3://" + q.source + "/credit-score/7/model.onnx");
    }
  }
  auto release = json::parse(q.gw.client.get_object(q.forensic, prefix + "release_manifest.json"));
  CHECK(release["tags"]["credguard.state"] == "Quarantined");
  CHECK(release["model_aliases"]["production"] == "6");

  bool forensic_ok = false;
  bool event_started = false;
  for (const auto& entry : platform.journal("INC-Q1")) {
    std::string action = entry["action"];
    forensic_ok = forensic_ok || (action == "quarantine.forensic" && entry["outcome"] == "ok");
    event_started = event_started || (action == "quarantine.events" && entry["outcome"] == "ok");
  }
  CHECK(forensic_ok);
  CHECK(event_started);

  auto list = platform.run({"--output", "json", "quarantine", "list"});
  REQUIRE(list.exit_code == 0);
  auto listed = json::parse(list.out)["quarantined"];
  REQUIRE(listed.size() == 2); // 5 is Quarantined in the fixture, with no deadline
  bool found = false;
  for (const auto& item : listed) {
    if (item["version"] == "7") {
      found = true;
      CHECK(item["incident"] == "INC-Q1");
      CHECK(item["days_left"].get<long long>() >= 13);
      CHECK(item["expired"] == false);
    }
  }
  CHECK(found);

  // Rerunning the same quarantine repeats nothing and still succeeds.
  auto rerun = platform.run(k_quarantine);
  INFO(rerun.out << rerun.err);
  CHECK(rerun.exit_code == 0);
  q.check_no_secret({result, list, rerun});
}

TEST_CASE("e2e quarantine: release with a report restores the previous state and lifts the denylist")
{
  QuarantinePlatform q;
  auto& platform = q.platform;
  platform.mlflow.set_source("credit-score", 6, "s3://" + q.source + "/credit-score/7/");
  auto result =
      platform.run({"quarantine", "credit-score", "6", "--incident", "INC-Q2", "--reason", "complaint", "--yes"});
  INFO(result.out << result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(platform.mlflow.tags("credit-score", 6).at("credguard.previous_state") == "Approved");

  auto missing = platform.run({"quarantine", "release", "credit-score", "6", "--report", "/nonexistent/r.md", "--yes"});
  CHECK(missing.exit_code == 74);
  platform.credguard.home.write("empty.md", "  \n");
  auto empty = platform.run({"quarantine", "release", "credit-score", "6", "--report",
                             (platform.credguard.home / "empty.md").string(), "--yes"});
  CHECK(empty.exit_code == 65);
  CHECK(platform.mlflow.tags("credit-score", 6).at("credguard.state") == "Quarantined");

  auto report = platform.credguard.home.write("report.md", "False positive: the complaint concerned model 5.\n");
  auto released = platform.run({"quarantine", "release", "credit-score", "6", "--report", report.string(), "--yes"});
  INFO(released.out << released.err);
  REQUIRE(released.exit_code == 0);
  auto tags = platform.mlflow.tags("credit-score", 6);
  CHECK(tags.at("credguard.state") == "Approved");
  CHECK_FALSE(tags.contains("credguard.quarantine_until"));
  CHECK_FALSE(tags.contains("credguard.previous_state"));
  CHECK_FALSE(platform.gateway.denylisted("credit-score", "6"));
  bool report_journaled = false;
  for (const auto& entry : platform.journal("INC-Q2")) {
    if (entry["action"] == "quarantine.release.report" && entry["outcome"] == "ok") {
      report_journaled =
          entry["evidence"]["sha256"] == s3::sha256_hex("False positive: the complaint concerned model 5.\n");
    }
  }
  CHECK(report_journaled);
  CHECK(released.out.find("credguard rollback credit-score --to 6") != std::string::npos);

  // Not quarantined any more: a second release is refused as bad data.
  auto again = platform.run({"quarantine", "release", "credit-score", "6", "--report", report.string(), "--yes"});
  CHECK(again.exit_code == 65);
}

TEST_CASE("e2e quarantine: confirm revokes, expire lists and journals what is past its deadline")
{
  QuarantinePlatform q;
  auto& platform = q.platform;
  platform.mlflow.add_version("fraud", 1,
                              {{"credguard.state", "Quarantined"},
                               {"credguard.quarantine_until", "2020-01-01T00:00:00Z"},
                               {"credguard.incident", "INC-OLD"}});
  platform.mlflow.add_version("fraud", 2,
                              {{"credguard.state", "Quarantined"},
                               {"credguard.quarantine_until", "2099-01-01T00:00:00Z"},
                               {"credguard.incident", "INC-NEW"}});
  auto expire = platform.run({"--output", "json", "quarantine", "expire", "fraud"});
  INFO(expire.out << expire.err);
  CHECK(expire.exit_code == 1);
  auto expired = json::parse(expire.out)["expired"];
  REQUIRE(expired.size() == 1);
  CHECK(expired[0]["version"] == "1");
  CHECK(expired[0]["days_left"].get<long long>() == 0); // past: 0, never negative
  auto journaled = platform.journal("INC-OLD");
  REQUIRE(journaled.size() == 1);
  CHECK(journaled[0]["action"] == "quarantine.expired");

  auto confirmed = platform.run({"quarantine", "confirm", "fraud", "1", "--yes"});
  INFO(confirmed.out << confirmed.err);
  CHECK(confirmed.exit_code == 0);
  CHECK(platform.mlflow.tags("fraud", 1).at("credguard.state") == "Revoked");
  CHECK(platform.gateway.denylisted("fraud", "1"));
  auto none = platform.run({"quarantine", "expire", "fraud"});
  CHECK(none.exit_code == 0);

  // Not quarantined: confirm changes nothing.
  auto not_quarantined = platform.run({"quarantine", "confirm", "credit-score", "6", "--yes"});
  CHECK(not_quarantined.exit_code == 65);
  CHECK(platform.mlflow.tags("credit-score", 6).at("credguard.state") == "Approved");
}

TEST_CASE("e2e quarantine: usage errors change nothing, and without --yes nothing happens off a terminal")
{
  QuarantinePlatform q;
  auto& platform = q.platform;
  CHECK(platform
            .run({"quarantine", "credit-score", "7", "--incident", "INC-Q3", "--reason", "x", "--ttl", "soon", "--yes"})
            .exit_code == 64);
  CHECK(platform.run({"quarantine", "credit-score"}).exit_code == 64);
  CHECK(platform.run({"quarantine", "credit-score", "7", "--incident", "INC-Q3", "--reason", "x"}).exit_code == 64);
  CHECK(
      platform.run({"quarantine", "credit-score", "99", "--incident", "INC-Q3", "--reason", "x", "--yes"}).exit_code ==
      65);
  auto dry = platform.run({"quarantine", "credit-score", "7", "--incident", "INC-Q3", "--reason", "x", "--dry-run"});
  CHECK(dry.exit_code == 0);
  CHECK(dry.out.find("quarantine/credit-score/7/INC-Q3/") != std::string::npos);
  CHECK(platform.mlflow.count("POST", "model-versions/set-tag") == 0);
  CHECK(q.gw.client.list_all_objects(q.forensic).empty());
}
