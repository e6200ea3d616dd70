// credguard rollback end to end: the built binary against the fake MLflow,
// TorchServe and Triton, and a real Prometheus scraping a test exporter
// for the SLO validation.
#include "platform.hpp"
#include "support/prometheus.hpp"

#include <catch2/catch.hpp>

using namespace credguard::test;
using nlohmann::json;

namespace {

// One Prometheus for the whole binary: the error ratio it reports is
// 0.002 for credit-score; tests vary the threshold instead.
struct Slo {
  Exporter exporter;
  PrometheusServer prometheus{exporter.target()};

  Slo()
  {
    exporter.set("credguard_test_error_ratio{model=\"credit-score\"}", 0.002);
    auto seen = prometheus.wait_for("credguard_test_error_ratio{model=\"credit-score\"}",
                                    [](double value) { return value > 0; });
    if (!seen) {
      throw std::runtime_error("Prometheus never scraped the test exporter");
    }
  }

  static Slo& shared()
  {
    static Slo slo;
    return slo;
  }
};

std::string rollback_config(const Receiver& health, double max)
{
  return "prometheus:\n  url: " + Slo::shared().prometheus.url() + "\nrollback:\n  health_url: '" +
         health.server.url() + "/v1/models/{model}/health'\n  settle: 2s\n  interval: 1s\n  ready_timeout: 3s\n" +
         "  slo:\n    - {name: error-rate, query: 'credguard_test_error_ratio{model=\"{model}\"}', max: " +
         std::to_string(max) + "}\n";
}

std::vector<std::string> rollback(const std::string& incident, std::vector<std::string> extra = {})
{
  std::vector<std::string> args = {"rollback", "credit-score", "--incident", incident, "--reason", "bad release"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

std::vector<std::string> with_output_json(std::vector<std::string> args)
{
  args.insert(args.begin(), {"--output", "json"});
  return args;
}

} // namespace

TEST_CASE("e2e rollback: the target skips Revoked and Quarantined, is pre-warmed, validated and announced")
{
  Platform platform;
  Receiver health;
  platform.mlflow.add_version("credit-score", 6, {{"credguard.state", "Revoked"}});
  platform.write_config(rollback_config(health, 0.01));

  auto dry = platform.run(with_output_json(rollback("INC-R1", {"--dry-run"})));
  INFO(dry.out << dry.err);
  REQUIRE(dry.exit_code == 0);
  auto plan = json::parse(dry.out);
  CHECK(plan["from"] == "7");
  CHECK(plan["to"] == "4");
  CHECK(plan["skipped"] == json::array({"6 (Revoked)", "5 (Quarantined)"}));
  CHECK(plan["served_before"] == false);
  CHECK(platform.mlflow.alias("credit-score", "production") == "7");

  auto result = platform.run(rollback("INC-R1", {"--yes"}));
  INFO(result.out << result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(platform.mlflow.alias("credit-score", "production") == "4");
  CHECK(platform.torchserve.warm("credit-score", "4"));
  CHECK(platform.triton.ready("credit-score")); // one Triton model name: not unloaded by the purge of 7
  CHECK_FALSE(platform.torchserve.has("credit-score", "7"));
  CHECK(health.server.request_count() == 1);
  CHECK(result.out.find("Rollback done") != std::string::npos);

  bool announced = false;
  for (const auto& entry : platform.journal("INC-R1")) {
    if (entry["action"] == "rollback.alias" && entry["outcome"] == "ok") {
      CHECK(entry["evidence"]["old"] == "7");
      CHECK(entry["evidence"]["new"] == "4");
    }
    announced = announced || (entry["action"] == "rollback.events" && entry["outcome"] == "ok");
  }
  CHECK(announced);
  CHECK(platform.webhook.server.request_count() == 1);

  // The journal now records 7 as a production version: a way back to it is
  // cross-checked. 7 was never tagged Approved: --to it needs --force.
  CHECK(platform.run(rollback("INC-R1B", {"--to", "7", "--dry-run"})).exit_code == 65);
  auto back = platform.run(with_output_json(rollback("INC-R1B", {"--to", "7", "--force", "--dry-run"})));
  REQUIRE(back.exit_code == 0);
  CHECK(json::parse(back.out)["served_before"] == true);
  // Quarantined and Revoked versions are refused as targets, changing nothing.
  CHECK(platform.run(rollback("INC-R1C", {"--to", "5", "--yes"})).exit_code == 65);
  CHECK(platform.run(rollback("INC-R1C", {"--to", "6", "--yes"})).exit_code == 65);
  CHECK(platform.mlflow.alias("credit-score", "production") == "4");
}

TEST_CASE("e2e rollback: a pre-warm failure stops before the alias moves")
{
  Platform platform;
  Receiver health;
  platform.write_config(rollback_config(health, 0.01));
  platform.triton.set_load_fault(Fault{400});
  auto result = platform.run(rollback("INC-R2", {"--yes"}));
  INFO(result.out << result.err);
  CHECK(result.exit_code == 2);
  CHECK(platform.mlflow.alias("credit-score", "production") == "7");
  CHECK(platform.mlflow.count("POST", "registered-models/alias") == 0);
  CHECK(platform.torchserve.has("credit-score", "7")); // nothing purged
  CHECK(result.out.find("before the alias moved") != std::string::npos);
  CHECK(result.out.find("failed to load") != std::string::npos);
}

TEST_CASE("e2e rollback: a validation failure exits 2, prints the way back and does not flap the alias")
{
  Platform platform;
  Receiver health;
  platform.write_config(rollback_config(health, 0.001));
  auto result = platform.run(rollback("INC-R3", {"--yes"}));
  INFO(result.out << result.err);
  CHECK(result.exit_code == 2);
  CHECK(platform.mlflow.alias("credit-score", "production") == "6");
  CHECK(platform.mlflow.count("POST", "registered-models/alias") == 1);
  CHECK(result.out.find("NOT VALIDATED") != std::string::npos);
  CHECK(result.out.find("credguard rollback credit-score --to 7 --incident INC-R3") != std::string::npos);
  CHECK(result.out.find("error-rate") != std::string::npos);

  health.status = 503;
  auto unhealthy = platform.run(with_output_json(rollback("INC-R4", {"--to", "4", "--yes"})));
  CHECK(unhealthy.exit_code == 2);
  auto document = json::parse(unhealthy.out);
  CHECK(document["alias_moved"] == true);
  CHECK(document["way_back"] == "credguard rollback credit-score --to 6 --incident INC-R4");
  CHECK(platform.mlflow.alias("credit-score", "production") == "4");
}
