// Incident commands reconcile with the world: the built binary against the
// fake MLflow, gateway, TorchServe and Triton and a real Varnish. Between
// runs a third party undoes a step, or a write is applied but its answer
// lost; the rerun observes, repairs, and does not notify twice.
#include "platform.hpp"

#include <credguard/core/strings.hpp>

#include <catch2/catch.hpp>

using namespace credguard::test;
using nlohmann::json;

namespace {

const std::vector<std::string> k_revoke = {"revoke",   "credit-score",         "7",    "--incident", "INC-R1",
                                           "--reason", "PSI drift above 0.25", "--yes"};

// The outcome of step `name` in this run's JSON document.
std::string outcome_of(const json& document, const std::string& name)
{
  for (const auto& step : document["steps"]) {
    if (step["step"] == name) {
      return step["outcome"];
    }
  }
  return "absent";
}

json run_json(const Platform& platform, std::vector<std::string> args)
{
  args.insert(args.begin(), {"--output", "json"});
  auto result = platform.run(args);
  INFO(result.out << result.err);
  auto document = json::parse(result.out, nullptr, false);
  REQUIRE_FALSE(document.is_discarded());
  document["_exit"] = result.exit_code;
  return document;
}

} // namespace

TEST_CASE("e2e reconcile: a rerun of revoke repairs a production alias moved back, and says so")
{
  Platform platform;
  platform.write_config();
  auto first = platform.run(k_revoke);
  INFO(first.out << first.err);
  REQUIRE(first.exit_code == 0);
  REQUIRE(platform.mlflow.alias("credit-score", "production") == "6");
  CHECK(first.out.find("Checked now: blocked everywhere at T+") != std::string::npos);
  auto hooks = platform.webhook.server.request_count();

  // A CD pipeline points production back at the revoked version.
  platform.mlflow.set_alias("credit-score", "production", 7);
  auto again = platform.run(k_revoke);
  INFO(again.out << again.err);
  CHECK(again.exit_code == 0);
  CHECK(platform.mlflow.alias("credit-score", "production") == "6");
  CHECK(again.out.find("repaired: production had moved back to 7; production 7 -> 6") != std::string::npos);
  CHECK(again.out.find("in place") != std::string::npos);
  // Nothing was announced twice.
  CHECK(platform.webhook.server.request_count() == hooks);
  auto trail = platform.trail("INC-R1");
  CHECK(std::count(trail.begin(), trail.end(), "revoke.alias repaired") == 1);

  // A third run finds everything in place and writes nothing.
  auto aliases = platform.mlflow.count("POST", "registered-models/alias");
  auto tags = platform.mlflow.count("POST", "model-versions/set-tag");
  auto third = run_json(platform, k_revoke);
  CHECK(third["_exit"] == 0);
  CHECK(outcome_of(third, "alias") == "ok");
  CHECK(outcome_of(third, "proof") == "ok");
  CHECK(third["proof"]["verdict"] == "blocked");
  CHECK(platform.mlflow.count("POST", "registered-models/alias") == aliases);
  CHECK(platform.mlflow.count("POST", "model-versions/set-tag") == tags);
}

TEST_CASE("e2e reconcile: every revoke step undone by a third party is repaired on the rerun")
{
  Platform platform;
  platform.write_config();
  REQUIRE(platform.run(k_revoke).exit_code == 0);
  auto hooks = platform.webhook.server.request_count();
  auto pages = platform.pagerduty.server.request_count();

  // The state tag set back, the gateway entry removed, TorchServe warm again.
  platform.mlflow.add_version("credit-score", 7, {{"credguard.state", "Approved"}});
  platform.gateway.undeny("credit-score", "7");
  platform.torchserve.add("credit-score", "7");
  auto status = platform.run({"status", "credit-score", "7"});
  INFO(status.out << status.err);
  CHECK(status.exit_code == 2);
  CHECK(status.out.find("MAY STILL SERVE") != std::string::npos);
  CHECK(status.out.find("not listed (GET answered 404)") != std::string::npos);

  auto again = run_json(platform, k_revoke);
  CHECK(again["_exit"] == 0);
  CHECK(outcome_of(again, "mark") == "repaired");
  CHECK(outcome_of(again, "denylist") == "repaired");
  CHECK(outcome_of(again, "purge") == "repaired");
  CHECK(outcome_of(again, "events") == "ok");
  CHECK(platform.mlflow.tags("credit-score", 7).at("credguard.state") == "Revoked");
  CHECK(platform.gateway.denylisted("credit-score", "7"));
  CHECK_FALSE(platform.torchserve.has("credit-score", "7"));
  CHECK(platform.webhook.server.request_count() == hooks);
  CHECK(platform.pagerduty.server.request_count() == pages);

  auto proven = platform.run({"status", "credit-score", "7"});
  CHECK(proven.exit_code == 0);
  CHECK(proven.out.find("BLOCKED everywhere") != std::string::npos);

  // --renotify sends again.
  auto renotified = run_json(platform, [] {
    auto args = k_revoke;
    args.emplace_back("--renotify");
    return args;
  }());
  CHECK(renotified["_exit"] == 0);
  CHECK(platform.webhook.server.request_count() == hooks + 1);
}

TEST_CASE("e2e reconcile: writes whose answers are lost are read back, and the rerun does not flap")
{
  Platform platform;
  platform.write_config();
  // The config retries once: both attempts are applied and both answers lost.
  platform.mlflow.lose_answers("POST", "registered-models/alias", FakeMlflow::Lost::bad_gateway, 2);
  platform.gateway.lose_denylist_answers(Fault{502}, 2);
  auto first = run_json(platform, k_revoke);
  CHECK(first["_exit"] == 0);
  CHECK(outcome_of(first, "alias") == "ok");
  CHECK(outcome_of(first, "denylist") == "ok");
  CHECK(platform.mlflow.alias("credit-score", "production") == "6");
  for (const auto& step : first["steps"]) {
    if (step["step"] == "alias") {
      CHECK(step["evidence"].contains("answer_lost"));
    }
  }
  auto again = run_json(platform, k_revoke);
  CHECK(again["_exit"] == 0);
  CHECK(outcome_of(again, "alias") == "ok");
  CHECK(platform.mlflow.alias("credit-score", "production") == "6");
}

TEST_CASE("e2e reconcile: status against a registry that is down claims nothing (exit 69)")
{
  Platform platform;
  platform.write_config();
  REQUIRE(platform.run(k_revoke).exit_code == 0);
  platform.mlflow.set_unavailable(true);
  auto down = platform.run({"status", "credit-score", "7"});
  CHECK(down.exit_code == 69);
  CHECK(down.out.find("BLOCKED") == std::string::npos);
  CHECK(down.err.find("registry") != std::string::npos);
}

TEST_CASE("e2e reconcile: two rollbacks under one incident are two plans, and a lost answer does not flap")
{
  Platform platform;
  platform.write_config();
  // 7 serves, 6 and 4 are Approved, 5 is Quarantined.
  auto first = run_json(platform, {"rollback", "credit-score", "--incident", "INC-R2", "--yes"});
  CHECK(first["_exit"] == 0);
  REQUIRE(platform.mlflow.alias("credit-score", "production") == "6");

  auto second = run_json(platform, {"rollback", "credit-score", "--to", "4", "--incident", "INC-R2", "--yes"});
  CHECK(second["_exit"] == 0);
  CHECK(second["from"] == "6");
  CHECK(platform.mlflow.alias("credit-score", "production") == "4");
  auto moves = platform.mlflow.count("POST", "registered-models/alias");

  // The same rollback again recognises its own move.
  auto rerun = run_json(platform, {"rollback", "credit-score", "--to", "4", "--incident", "INC-R2", "--yes"});
  CHECK(rerun["_exit"] == 0);
  CHECK(outcome_of(rerun, "alias") == "ok");
  CHECK(platform.mlflow.count("POST", "registered-models/alias") == moves);

  // A third rollback whose alias answers are lost: read back, not "FAILED".
  platform.mlflow.lose_answers("POST", "registered-models/alias", FakeMlflow::Lost::dropped, 2);
  auto lost = platform.run({"rollback", "credit-score", "--to", "6", "--incident", "INC-R3", "--yes"});
  INFO(lost.out << lost.err);
  CHECK(platform.mlflow.alias("credit-score", "production") == "6");
  CHECK(lost.out.find("FAILED before the alias moved") == std::string::npos);
  CHECK(lost.exit_code == 0);
  auto same = platform.run({"rollback", "credit-score", "--to", "6", "--incident", "INC-R3", "--yes"});
  CHECK(same.exit_code == 0);
  // Without --to under that incident: 4 was rolled back from, 5 is
  // Quarantined, 6 is current: nothing to move to, production stays.
  auto other = platform.run({"rollback", "credit-score", "--incident", "INC-R3", "--yes"});
  CHECK(other.exit_code == 65);
  CHECK(platform.mlflow.alias("credit-score", "production") == "6");

  // --to a version that is not Approved needs --force.
  auto untagged = platform.run({"rollback", "credit-score", "--to", "7", "--incident", "INC-R4", "--yes"});
  CHECK(untagged.exit_code == 65);
  CHECK(untagged.err.find("--force") != std::string::npos);
  auto forced = platform.run({"rollback", "credit-score", "--to", "7", "--incident", "INC-R4", "--force", "--yes"});
  CHECK(forced.exit_code == 0);
  CHECK(platform.mlflow.alias("credit-score", "production") == "7");
}

TEST_CASE("e2e reconcile: the post-mortem's traffic-blocked time is revoke's")
{
  Platform platform;
  platform.write_config();
  auto revoked = run_json(platform, k_revoke);
  REQUIRE(revoked["_exit"] == 0);
  REQUIRE(revoked["traffic_blocked"].is_object());
  auto postmortem = platform.run({"postmortem", "INC-R1", "--format", "json"});
  INFO(postmortem.out << postmortem.err);
  REQUIRE(postmortem.exit_code == 0);
  auto document = json::parse(postmortem.out);
  CHECK(document.dump().find(revoked["traffic_blocked"]["time"].get<std::string>()) != std::string::npos);
  auto markdown = platform.run({"postmortem", "INC-R1"});
  CHECK(markdown.out.find("not blocked according to the journal") == std::string::npos);
}

TEST_CASE("e2e reconcile: every command revoke, quarantine, rollback and triage print to run next, runs")
{
  Platform platform;
  platform.write_config("triage:\n  risk_rollback_from: 0.9\n");
  std::vector<std::string> printed;
  auto collect = [&](const ProcessResult& result) {
    std::istringstream lines(result.out);
    bool in_next = false;
    for (std::string line; std::getline(lines, line);) {
      if (line == "Next:") {
        in_next = true;
        continue;
      }
      if (in_next && line.starts_with("  credguard ")) {
        printed.push_back(line.substr(2));
      } else if (!line.starts_with("  ")) {
        in_next = false;
      }
      // triage: "    $ credguard ..." (placeholders, when any, are marked).
      if (line.starts_with("    $ credguard ") && line.find("fill in the placeholders") == std::string::npos) {
        printed.push_back(line.substr(6));
      }
    }
  };
  collect(platform.run(k_revoke));
  collect(platform.run({"rollback", "credit-score", "--to", "4", "--incident", "INC-N2", "--yes"}));
  for (const char* risk : {"0.95", "0.7", "0.3"}) {
    for (const char* misses : {"0", "5"}) {
      collect(platform.run({"triage", "--risk-score", risk, "--heartbeat-misses", misses, "--model", "credit-score@6",
                            "--incident", "INC-N3"}));
    }
  }
  REQUIRE(printed.size() >= 6);
  platform.credguard.home.write("conclusion.md", "a false positive\n");
  for (auto command : printed) {
    INFO(command);
    // The printed line, as a shell runs it, with --dry-run where the verb
    // changes anything (credguard is the built binary, on a private HOME).
    bool changes = command.find(" revoke ") != std::string::npos || command.find(" rollback ") != std::string::npos ||
                   command.find(" quarantine ") != std::string::npos;
    auto comment = command.find("   #");
    if (comment != std::string::npos) {
      command.resize(comment);
    }
    std::string line = std::string(CREDGUARD_BINARY) + " --config " +
                       credguard::shell_quote((platform.credguard.home / "config.yaml").string()) +
                       command.substr(std::string("credguard").size()) + (changes ? " --dry-run" : "");
    auto result = run_process(
        {"/bin/sh", "-c", "cd " + credguard::shell_quote(platform.credguard.home.path().string()) + " && " + line},
        platform.credguard.env);
    INFO(result.out << result.err);
    // 0, or the verdict codes of status and triage (1, 2): never a usage
    // (64), data (65) or configuration (78) refusal.
    CHECK(result.exit_code <= 2);
  }
}
