#include "cmd/commands.hpp"
#include "harness.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace credguard;
using namespace credguard::cli;

namespace {

// CLI11 takes a vector of arguments in reverse order.
void parse(CLI::App& app, std::vector<std::string> args)
{
  std::reverse(args.begin(), args.end());
  app.parse(args);
}

} // namespace

TEST_CASE("cli: argv becomes options without running anything")
{
  test::CliHarness h;
  Context ctx(Io{h.out, h.err, h.in, false, false, false, false}, h.clock, h.env);
  CLI::App app;
  JournalListOptions seen;
  add_journal_list(app, ctx, [&](const JournalListOptions& options, Context&) {
    seen = options;
    return 0;
  });
  parse(app, {"list", "--incident", "INC-7", "--since", "24h", "--limit", "5"});
  REQUIRE(ctx.action);
  CHECK(ctx.action() == 0);
  CHECK(seen.incident == "INC-7");
  CHECK(seen.limit == 5);
  CHECK(seen.since == "24h");
}

TEST_CASE("cli: checklist flags split comma lists")
{
  test::CliHarness h;
  Context ctx(Io{h.out, h.err, h.in, false, false, false, false}, h.clock, h.env);
  CLI::App app;
  ChecklistOptions seen;
  add_checklist_verb(app, ctx, "daily", "d", [&](const ChecklistOptions& options, Context&) {
    seen = options;
    return 0;
  });
  parse(app, {"daily", "--only", "host", "--skip", "cpu,disk"});
  ctx.action();
  CHECK(seen.name == "daily");
  CHECK(seen.only == std::vector<std::string>{"host"});
  CHECK(seen.skip == std::vector<std::string>{"cpu", "disk"});
}

TEST_CASE("cli: --help explains itself and touches nothing")
{
  test::CliHarness h;
  CHECK(h.run({"--help"}) == 0);
  CHECK(h.out.str().find("Usage: credguard") != std::string::npos);
  CHECK(h.out.str().find("checklist") != std::string::npos);
  CHECK(h.run({"checklist", "daily", "--help"}) == 0);
  CHECK(h.out.str().find("--only") != std::string::npos);
  CHECK(h.out.str().find("Nagios") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(h.home / "journal.db"));
}

TEST_CASE("cli: usage errors exit 64 with one error line and where to look")
{
  test::CliHarness h;
  CHECK(h.run({"checklist", "daily", "--bogus"}) == 64);
  CHECK(h.err.str().find("credguard: error: ") == 0);
  CHECK(h.err.str().find("Run 'credguard checklist daily --help'") != std::string::npos);
  CHECK(h.run({"teleport"}) == 64);
  CHECK(h.run({}) == 64);
  CHECK(h.err.str().find("a command is required") != std::string::npos);
  CHECK(h.run({"--output", "yaml", "version"}) == 64);
  CHECK(h.run({"--output", "junit", "version"}) == 64);
  CHECK(h.err.str().find("--output junit is not supported by this command") != std::string::npos);
  CHECK(h.run({"checklist", "daily", "--only", "no-such-check"}) == 64);
  CHECK(h.err.str().find("--only no-such-check") != std::string::npos);
}

TEST_CASE("cli: version in text and JSON")
{
  test::CliHarness h;
  CHECK(h.run({"version"}) == 0);
  CHECK(h.out.str() == "credguard " + std::string(version()) + "\n");
  CHECK(h.run({"--version"}) == 0);
  CHECK(h.run({"version", "--output", "json"}) == 0);
  auto json = nlohmann::json::parse(h.out.str());
  CHECK(json["schema_version"] == 1);
  CHECK(json["version"] == version());
}

TEST_CASE("cli: a bad config file is a configuration error (78) naming file, line and key")
{
  test::CliHarness h;
  auto bad = h.home.write("bad.yaml", "mysql:\n  port: lots\n");
  CHECK(h.run({"--config", bad.string(), "checklist", "daily"}) == 78);
  CHECK(h.err.str() == "credguard: error: " + bad.string() + ":2:9: mysql.port: expected an integer, got \"lots\"\n");
  CHECK_FALSE(std::filesystem::exists(h.home / "journal.db"));
}
