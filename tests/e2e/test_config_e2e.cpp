#include "binary.hpp"

#include <catch2/catch.hpp>

using namespace credguard::test;

TEST_CASE("e2e: an unknown config key exits 78 naming file, line and key, and nothing is journaled")
{
  Binary credguard;
  auto config = credguard.home.write("config.yaml", "mysql:\n  host: db\n  hots: typo\n");
  auto result = credguard.run({"--config", config.string(), "checklist", "daily"});
  CHECK(result.exit_code == 78);
  CHECK(result.out.empty());
  CHECK(result.err.find(config.string() + ":3:3: mysql.hots: unknown key") != std::string::npos);
  CHECK(result.err.find("did you mean 'host'") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(credguard.home / "state" / "journal.db"));
}

TEST_CASE("e2e: a value of the wrong type exits 78")
{
  Binary credguard;
  credguard.home.write(".config/credguard/config.yaml", "checklist:\n  timeout: forever\n");
  auto result = credguard.run({"checklist", "daily"});
  CHECK(result.exit_code == 78);
  CHECK(result.err.find(".config/credguard/config.yaml:2:12: checklist.timeout") != std::string::npos);
}

TEST_CASE("e2e: an unreadable or missing config file exits 78")
{
  Binary credguard;
  auto missing = credguard.run({"--config", (credguard.home / "nope.yaml").string(), "checklist", "daily"});
  CHECK(missing.exit_code == 78);
  CHECK(missing.err.find("nope.yaml") != std::string::npos);
  credguard.env["CREDGUARD_CONFIG"] = credguard.home.path().string(); // a directory
  CHECK(credguard.run({"checklist", "daily"}).exit_code == 78);
}

TEST_CASE("e2e: environment overrides apply with no config file")
{
  Binary credguard;
  credguard.env["CREDGUARD_MYSQL_PORT"] = "not-a-port";
  auto result = credguard.run({"checklist", "daily"});
  CHECK(result.exit_code == 78);
  CHECK(result.err.find("$CREDGUARD_MYSQL_PORT: mysql.port") != std::string::npos);
}

TEST_CASE("e2e: an unknown flag exits 64")
{
  Binary credguard;
  auto result = credguard.run({"checklist", "daily", "--colour"});
  CHECK(result.exit_code == 64);
  CHECK(result.err.find("credguard: error:") == 0);
}

TEST_CASE("e2e: --help is fast to reach and exits 0")
{
  Binary credguard;
  auto result = credguard.run({"--help"});
  CHECK(result.exit_code == 0);
  CHECK(result.out.find("Exit status:") != std::string::npos);
}
