#include "binary.hpp"

#include <catch2/catch.hpp>

using namespace credguard::test;

TEST_CASE("e2e: secrets from the config never reach stdout, stderr, JSON or the journal")
{
  Binary credguard;
  const std::string inline_secret = "inline-fixture-secret-9f8e";
  const std::string env_secret = "env-fixture-secret-7a6b";
  auto token_file = credguard.home.write("token", "file-fixture-secret-5c4d\n");
  credguard.env["FIXTURE_TOKEN"] = env_secret;
  auto config =
      credguard.home.write("config.yaml", "mysql:\n  host: 127.0.0.1\n  password: " + inline_secret +
                                              "\nprometheus:\n  url: http://127.0.0.1:9\n  token: env:FIXTURE_TOKEN\n"
                                              "registry:\n  token: file:" +
                                              token_file.string() + "\n");
  std::vector<ProcessResult> results;
  results.push_back(credguard.run({"-v", "--config", config.string(), "checklist", "daily"}));
  results.push_back(credguard.run({"-v", "--config", config.string(), "--output", "json", "checklist", "daily"}));
  // A secret typed on the command line is redacted from the journaled command.
  results.push_back(
      credguard.run({"--config", config.string(), "checklist", "daily", "--only", "memory", "--skip", inline_secret}));
  results.push_back(credguard.run({"journal", "export"}));
  auto journal_bytes = slurp(credguard.home / "state" / "journal.db");
  for (const auto& secret : {inline_secret, env_secret, std::string("file-fixture-secret-5c4d")}) {
    INFO(secret);
    for (const auto& result : results) {
      CHECK(result.out.find(secret) == std::string::npos);
      CHECK(result.err.find(secret) == std::string::npos);
    }
    CHECK(journal_bytes.find(secret) == std::string::npos);
  }
  CHECK(results[3].out.find("checklist.daily") != std::string::npos);
}
