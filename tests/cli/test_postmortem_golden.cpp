// The post-mortem of a REAL revoke run: triage and revoke run through the
// CLI in-process (fake clock) against the fake MLflow registry, gateway and
// TorchServe, then `postmortem INC --format md|json` is compared with the
// golden documents in tests/fixtures/postmortem_revoke.{md,json}.
//
// What varies from run to run is replaced by normalise() below before the
// comparison: the loopback servers' ports, this machine's host name and
// user, measured durations and journal hashes. Times are those of the fake
// clock and stay as they are; the actor is given with --actor.
//
// To regenerate the goldens after an intended change of the document:
//   CREDGUARD_UPDATE_GOLDEN=1 build/dev/tests/test_cli_incident "postmortem golden*"
// then review the diff of tests/fixtures/postmortem_revoke.* before committing.
#include "fakes/mlflow.hpp"
#include "fakes/serving.hpp"
#include "harness.hpp"

#include <credguard/core/files.hpp>
#include <credguard/core/time_format.hpp>

#include <catch2/catch.hpp>

#include <fstream>
#include <regex>

using namespace credguard;

namespace {

const std::string k_incident = "INC-20261123-042";

std::filesystem::path golden(const std::string& name)
{
  return std::filesystem::path(CREDGUARD_SOURCE_DIR) / "tests/fixtures" / name;
}

// Replaces what differs between runs and machines with placeholders:
// 127.0.0.1:PORT -> 127.0.0.1:<port>; the host name and the OS user ->
// <host>, <user>; SHA-256 hashes -> <hash>; "credguard X.Y.Z" ->
// "credguard <version>"; measured durations (JSON "ms" fields, "NN ms"
// text) -> <ms>: they come from the fake clock today, but a transport that
// measured real time would otherwise make the golden flaky.
std::string normalise(std::string text, const std::string& host, const std::string& user)
{
  text = std::regex_replace(text, std::regex("127\\.0\\.0\\.1:[0-9]+"), "127.0.0.1:<port>");
  text = std::regex_replace(text, std::regex("credguard [0-9]+\\.[0-9]+\\.[0-9]+"), "credguard <version>");
  text = std::regex_replace(text, std::regex("[0-9a-f]{64}"), "<hash>");
  text = std::regex_replace(text, std::regex("\"(ms|duration_ms|elapsed_ms)\": [0-9]+"), "\"$1\": \"<ms>\"");
  text = std::regex_replace(text, std::regex("\\b[0-9]+ ms\\b"), "<ms> ms");
  // Whole fields only: a user called "root" must not turn "--root-cause" into "--<user>-cause".
  for (const auto& [word, placeholder] : {std::pair{host, "<host>"}, {user, "<user>"}}) {
    if (!word.empty()) {
      text = std::regex_replace(text, std::regex("(\"|\\| )" + word + "(\"| \\|)"),
                                "$1" + std::string(placeholder) + "$2");
    }
  }
  return text;
}

// Compares with a golden file; CREDGUARD_UPDATE_GOLDEN=1 rewrites it.
void check_golden(const std::string& actual, const std::string& name)
{
  auto path = golden(name);
  if (std::getenv("CREDGUARD_UPDATE_GOLDEN") != nullptr) {
    write_file_atomic(path, actual);
  }
  INFO("golden file " << path.string() << " (regenerate with CREDGUARD_UPDATE_GOLDEN=1, see the top of this file)");
  REQUIRE(std::filesystem::exists(path));
  CHECK(actual == test::slurp(path));
}

} // namespace

TEST_CASE("postmortem golden: a real triage and revoke run, rendered as Markdown and JSON")
{
  test::CliHarness h;
  test::FakeMlflow mlflow;
  test::FakeGateway gateway;
  test::FakeTorchServe torchserve;
  for (int v = 5; v <= 7; ++v) {
    mlflow.add_version("credit-score", v,
                       v == 7 ? std::map<std::string, std::string>{}
                              : std::map<std::string, std::string>{{"credguard.state", "Approved"}});
    torchserve.add("credit-score", std::to_string(v));
  }
  mlflow.set_alias("credit-score", "production", 7);
  auto config =
      h.home.write("config.yaml", "registry:\n  url: " + mlflow.url() +
                                      "\npurge:\n  timeout: 2s\n  gateway:\n    - {name: gw, url: '" + gateway.url() +
                                      "/admin/purge?model={model}&version={version}'}\n  torchserve:\n" +
                                      "    - {name: ts, url: '" + torchserve.url() + "'}\nserving:\n  denylist_url: '" +
                                      gateway.url() + "/admin/denylist/{model}/{version}'\n");
  auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--config", config.string(), "--actor", "oncall"});
    int code = h.run(args);
    INFO(h.out.str() << h.err.str());
    return code;
  };

  // The bot saw the trip two minutes before the commander triaged it.
  auto event = h.home.write(
      "guardtrip.json", R"({"type": "GuardTrip", "time": ")" + format_rfc3339_seconds(h.clock.now() - Millis(120'000)) +
                            R"(", "tenant_id": "t-42", "capsule_hash": "9f2c71", )"
                            R"("risk_score": 0.91, "heartbeat_misses": 4, "model": "credit-score@7"})");
  REQUIRE(run({"triage", "--event", event.string(), "--incident", k_incident}) == 2);
  h.clock.advance(Millis(90'000));
  REQUIRE(run({"revoke", "credit-score", "7", "--incident", k_incident, "--reason", "guard trip, risk 0.91",
               "--emergency", "--yes"}) == 0);
  REQUIRE(mlflow.alias("credit-score", "production") == "6");
  h.clock.advance(Millis(600'000));

  std::string host = host_name();
  std::string user = journal::resolve_identity(h.env, "").os_user;
  INFO("host " << host << ", user " << user);
  REQUIRE(run({"postmortem", k_incident, "--format", "md"}) == 0);
  auto markdown = normalise(h.out.str(), host, user);
  REQUIRE(run({"postmortem", k_incident, "--format", "json"}) == 0);
  auto json = normalise(h.out.str(), host, user);

  check_golden(markdown, "postmortem_revoke.md");
  check_golden(json, "postmortem_revoke.json");
  // What the golden must show, stated here so that a regenerated golden
  // that lost it fails.
  for (const char* part :
       {"revoke.denylist", "revoke.purge", "revoke.alias", "hash chain verified", "Time to block traffic: 1m30s",
        "Cache purge evidence", "Alias history", "| production | 7 | 6 | ok |", "0.91", "t-42", "9f2c71", "oncall"}) {
    INFO(part);
    CHECK(markdown.find(part) != std::string::npos);
  }
}
