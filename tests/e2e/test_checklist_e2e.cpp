#include "binary.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

using namespace credguard::test;

TEST_CASE("e2e: checklist daily on the embedded default checks this host and skips the rest")
{
  Binary credguard;
  auto result = credguard.run({"checklist", "daily"});
  INFO(result.out << result.err);
  CHECK(result.exit_code >= 0);
  CHECK(result.exit_code <= 2); // host results only: OK, WARNING or CRITICAL
  CHECK(result.out.find("STATUS  ") == 0);
  CHECK(result.out.find("\nPASS") + result.out.find("\nWARN") + result.out.find("\nFAIL") != 3 * std::string::npos);
  for (const char* check : {" cpu ", " memory ", " disk:/ "}) {
    CHECK(result.out.find(check) != std::string::npos);
  }
  CHECK(result.out.find("not configured: set mysql.host (or $CREDGUARD_MYSQL_HOST)") != std::string::npos);
  CHECK(result.out.find("not configured: set prometheus.url") != std::string::npos);
  CHECK(result.out.find("\ndaily: ") != std::string::npos);
  CHECK(result.out.find('\033') == std::string::npos); // piped: no colour

  // The run is journaled, privately.
  auto journal = credguard.home / "state" / "journal.db";
  struct stat info {};
  REQUIRE(::stat(journal.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  auto list = credguard.run({"journal", "list", "--output", "json"});
  auto entries = nlohmann::json::parse(list.out)["entries"];
  REQUIRE(entries.size() == 1);
  CHECK(entries[0]["action"] == "checklist.daily");
  CHECK(entries[0]["command"] == "credguard checklist daily");
  CHECK(entries[0]["evidence"]["summary"]["skip"].get<int>() > 5);
  CHECK(credguard.run({"journal", "verify"}).exit_code == 0);
}

TEST_CASE("e2e: checklist --output json is one versioned document whose exit code matches")
{
  Binary credguard;
  auto result = credguard.run({"--output", "json", "checklist", "daily", "--only", "host"});
  auto json = nlohmann::json::parse(result.out);
  CHECK(json["schema_version"] == 1);
  CHECK(json["checklist"] == "daily");
  CHECK(json["exit_code"] == result.exit_code);
  CHECK(json["checks"].size() >= 3);
  for (const auto& check : json["checks"]) {
    CHECK(check["tags"][0] == "host");
  }
  // The flag may also follow the subcommand.
  auto after = credguard.run({"checklist", "daily", "--only", "memory", "--output", "json"});
  CHECK(nlohmann::json::parse(after.out)["checks"].size() == 1);
}

TEST_CASE("e2e: a checklist with a failing threshold exits 2, a warning 1")
{
  Binary credguard;
  auto runbook =
      credguard.home.write("rb.yaml", "name: custom\nchecks:\n"
                                      "  - {id: mem, title: M, kind: memory, threshold: {warn: 0, crit: 0}}\n");
  CHECK(credguard.run({"checklist", "daily", "--runbook", runbook.string()}).exit_code == 2);
  auto warn =
      credguard.home.write("warn.yaml", "name: custom\nchecks:\n"
                                        "  - {id: mem, title: M, kind: memory, threshold: {warn: 0, crit: 101}}\n");
  auto result = credguard.run({"checklist", "daily", "--runbook", warn.string()});
  CHECK(result.exit_code == 1);
  CHECK(result.out.find("What to do:") == std::string::npos); // no action text in that runbook
}

TEST_CASE("e2e: an unwritable journal does not hide the checklist, but says so")
{
  Binary credguard;
  credguard.home.write("blocker", "a file where a directory should be");
  credguard.env["CREDGUARD_JOURNAL"] = (credguard.home / "blocker" / "journal.db").string();
  auto result = credguard.run({"checklist", "daily", "--only", "memory"});
  CHECK(result.exit_code <= 2);
  CHECK(result.out.find("memory") != std::string::npos);
  CHECK(result.err.find("credguard: warning: this run was not recorded in the journal") != std::string::npos);
  auto list = credguard.run({"journal", "list"});
  CHECK(list.exit_code == 74);
  CHECK(list.err.find("blocker") != std::string::npos);
}
