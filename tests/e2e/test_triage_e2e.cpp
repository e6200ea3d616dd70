#include "e2e/binary.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

using namespace credguard;

TEST_CASE("e2e triage: JSON output and exit codes 0, 1, 2 from the binary")
{
  test::Binary bin;
  auto fp = bin.run({"triage", "--risk-score", "0.49", "--heartbeat-misses", "4", "--output", "json"});
  CHECK(fp.exit_code == 0);
  CHECK(nlohmann::json::parse(fp.out)["decision"] == "false_positive");
  auto investigate = bin.run({"triage", "--risk-score", "0.5", "--output", "json"});
  CHECK(investigate.exit_code == 1);
  CHECK(nlohmann::json::parse(investigate.out)["decision"] == "investigate");
  auto legitimate = bin.run({"triage", "--risk-score", "0.8", "--output", "json", "--incident", "INC-E2E"});
  CHECK(legitimate.exit_code == 2);
  auto json = nlohmann::json::parse(legitimate.out);
  CHECK(json["decision"] == "legitimate");
  CHECK(json["incident"] == "INC-E2E");
  CHECK(json["journaled"] == true);

  auto pm = bin.run({"postmortem", "INC-E2E"});
  CHECK(pm.exit_code == 0);
  CHECK(pm.out.find("| Risk score | 0.8 |") != std::string::npos);
}

TEST_CASE("e2e triage --batch: a stream on stdin, a bad line exits 65 naming it")
{
  test::Binary bin;
  std::string stream;
  for (int i = 0; i < 5000; ++i) {
    stream += fmt::format(R"({{"type":"GuardTrip","risk_score":{},"heartbeat_misses":{},"capsule_hash":"c{}"}})",
                          i % 10 == 0 ? 0.9 : 0.2, i % 4, i) +
              "\n";
  }
  auto run = bin.run({"triage", "--batch", "--output", "json"}, stream);
  CHECK(run.exit_code == 2);
  auto summary = nlohmann::json::parse(run.out)["summary"];
  CHECK(summary["events"] == 5000);
  CHECK(summary["legitimate"] == 500);
  CHECK(summary["false_positive"] == 4500);

  auto bad = bin.run({"triage", "--batch"}, stream + "{\"risk_score\": 0.4\n" + stream);
  CHECK(bad.exit_code == 65);
  CHECK(bad.err.find("stdin:5001: not valid JSON") != std::string::npos);
  CHECK(bad.out.empty());
}
