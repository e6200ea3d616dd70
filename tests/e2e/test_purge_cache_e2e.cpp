#include "platform.hpp"

#include <catch2/catch.hpp>

using namespace credguard::test;
using nlohmann::json;

TEST_CASE("e2e purge-cache: every layer purged and verified, the table says what, when, by whom")
{
  Platform platform;
  platform.write_config();
  platform.warm_cdn("credit-score", "6");
  platform.credguard.env["SUDO_USER"] = "oncall-ana";
  auto result = platform.run({"purge-cache", "credit-score", "6", "--yes"});
  INFO(result.out << result.err);
  CHECK(result.exit_code == 0);
  for (const auto& id : {"gateway/gw", "serving/ts", "serving/triton", "cdn/edge"}) {
    CHECK(result.out.find(id) != std::string::npos);
  }
  CHECK(result.out.find("oncall-ana") != std::string::npos);
  CHECK(result.out.find("FAILED") == std::string::npos);
  CHECK_FALSE(platform.torchserve.has("credit-score", "6"));
  CHECK_FALSE(platform.gateway.denylisted("credit-score", "6")); // nothing failed: no denylist
  CHECK(platform.mlflow.server().request_count() == 0);          // the registry is not involved

  auto only_serving =
      platform.run({"purge-cache", "credit-score", "5", "--layers", "serving", "--yes", "--output", "json"});
  auto document = json::parse(only_serving.out);
  CHECK(document["endpoints"].size() == 2);
  CHECK(document["endpoints"][0]["layer"] == "serving");
}

TEST_CASE("e2e purge-cache: a failing endpoint is retried, reported, and the version is denylisted (exit 2)")
{
  Platform platform;
  platform.write_config();
  platform.torchserve.set_fault(Fault{500});
  auto result = platform.run({"purge-cache", "credit-score", "7", "--incident", "INC-7", "--yes", "--output", "json"});
  INFO(result.out << result.err);
  CHECK(result.exit_code == 2);
  auto document = json::parse(result.out);
  auto endpoints = document["endpoints"];
  auto ts = std::find_if(endpoints.begin(), endpoints.end(), [](const json& e) { return e["id"] == "serving/ts"; });
  REQUIRE(ts != endpoints.end());
  CHECK((*ts)["ok"] == false);
  CHECK((*ts)["status"] == 500);
  CHECK((*ts)["attempts"] == 2);
  CHECK(platform.gateway.denylisted("credit-score", "7"));
  CHECK(platform.trail("INC-7") == std::vector<std::string>{"purge-cache.purge started", "purge-cache.purge failed",
                                                            "purge-cache.denylist started", "purge-cache.denylist ok",
                                                            "purge-cache.summary failed"});
  for (const auto& secret : fixture_secrets()) {
    CHECK(result.out.find(secret) == std::string::npos);
    CHECK(result.err.find(secret) == std::string::npos);
    CHECK(platform.journal_bytes().find(secret) == std::string::npos);
  }
}

TEST_CASE("e2e purge-cache: bad input is refused before anything is sent")
{
  Platform platform;
  platform.write_config();
  CHECK(platform.run({"purge-cache", "a/b", "7", "--yes"}).exit_code == 65);
  CHECK(platform.run({"purge-cache", "m", "..", "--yes"}).exit_code == 65);
  CHECK(platform.run({"purge-cache", "m", "7", "--layers", "disk", "--yes"}).exit_code == 64);
  CHECK(platform.run({"purge-cache", "m", "7"}).exit_code == 64); // no terminal, no --yes
  CHECK(platform.gateway.server().request_count() == 0);
  CHECK(platform.torchserve.server().request_count() == 0);
}

TEST_CASE("e2e purge-cache: a failure with no denylist configured says the version is not blocked")
{
  Platform platform;
  platform.write_config();
  platform.credguard.env["CREDGUARD_SERVING_DENYLIST_URL"] = "";
  platform.triton.set_fault(Fault{500});
  auto result = platform.run({"purge-cache", "credit-score", "7", "--incident", "INC-8", "--yes"});
  CHECK(result.exit_code == 2);
  CHECK(result.out.find("NOT blocked") != std::string::npos);
  CHECK(platform.trail("INC-8").at(3) == "purge-cache.denylist failed");
}
