#include "platform.hpp"
#include "spawn.hpp"

#include <credguard/core/strings.hpp>

#include <catch2/catch.hpp>

using namespace credguard::test;
using nlohmann::json;

namespace {

const std::vector<std::string> k_revoke = {"revoke",   "credit-score",         "7",    "--incident", "INC-1",
                                           "--reason", "PSI drift above 0.25", "--yes"};

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& extra)
{
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

void check_no_secret(const Platform& platform, const std::vector<ProcessResult>& results)
{
  auto journal = platform.journal_bytes();
  for (const auto& secret : fixture_secrets()) {
    INFO(secret);
    for (const auto& result : results) {
      CHECK(result.out.find(secret) == std::string::npos);
      CHECK(result.err.find(secret) == std::string::npos);
    }
    CHECK(journal.find(secret) == std::string::npos);
  }
}

bool nothing_changed(Platform& platform)
{
  return platform.mlflow.count("POST", "model-versions/set-tag") == 0 &&
         platform.mlflow.count("POST", "registered-models/alias") == 0 &&
         platform.gateway.server().request_count() == 0 && platform.torchserve.server().request_count() == 0 &&
         platform.webhook.server.request_count() == 0 && platform.mlflow.alias("credit-score", "production") == "7";
}

} // namespace

TEST_CASE("e2e revoke: every step done, confirmed and journaled, production moves to the newest Approved")
{
  Platform platform;
  platform.write_config();
  platform.warm_cdn("credit-score", "7");
  int hits_before = Edge::shared().hits;
  auto result = platform.run(k_revoke);
  INFO(result.out << result.err);
  REQUIRE(result.exit_code == 0);

  auto tags = platform.mlflow.tags("credit-score", 7);
  CHECK(tags.at("credguard.state") == "Revoked");
  CHECK(tags.at("credguard.incident") == "INC-1");
  CHECK(tags.at("credguard.reason") == "PSI drift above 0.25");
  CHECK(tags.contains("credguard.revoked_at"));
  // 6 is the newest Approved below 7 (5 is Quarantined).
  CHECK(platform.mlflow.alias("credit-score", "production") == "6");
  CHECK(platform.gateway.denylisted("credit-score", "7"));
  CHECK_FALSE(platform.torchserve.has("credit-score", "7"));
  CHECK(platform.torchserve.has("credit-score", "6"));
  CHECK_FALSE(platform.triton.ready("credit-score"));
  // The purge's verification request missed in Varnish and reached the origin.
  CHECK(Edge::shared().hits == hits_before + 1);

  auto hook = platform.webhook.server.requests().at(0);
  CHECK(hook.header("Content-Type").value_or("").starts_with("application/cloudevents+json"));
  auto event = json::parse(hook.body);
  CHECK(event["specversion"] == "1.0");
  CHECK(event["type"] == "model.revoked");
  CHECK(event["subject"] == "credit-score@7");
  CHECK(event["data"]["incident"] == "INC-1");
  CHECK(json::parse(platform.slack.server.requests().at(0).body)["text"].get<std::string>().find("credit-score@7") !=
        std::string::npos);
  auto page = json::parse(platform.pagerduty.server.requests().at(0).body);
  CHECK(page["event_action"] == "trigger");
  CHECK(page["payload"]["severity"] == "critical");

  CHECK(platform.trail("INC-1") ==
        std::vector<std::string>{"revoke.mark started", "revoke.mark ok", "revoke.events started", "revoke.events ok",
                                 "revoke.denylist started", "revoke.denylist ok", "revoke.purge started",
                                 "revoke.purge ok", "revoke.alias started", "revoke.alias ok", "revoke.freeze started",
                                 "revoke.freeze skipped", "revoke.proof started", "revoke.proof ok",
                                 "revoke.summary ok"});
  auto entries = platform.journal("INC-1");
  CHECK(entries[9]["evidence"]["alias"] == "production");
  CHECK(entries[9]["evidence"]["old"] == "7");
  CHECK(entries[9]["evidence"]["new"] == "6");
  CHECK(entries[7]["evidence"]["endpoints"].size() == 4);
  CHECK(entries[11]["evidence"].contains("t0"));
  CHECK(entries[11]["evidence"]["summary"].get<std::string>().find("kubernetes.namespace") != std::string::npos);
  CHECK(result.out.find("Traffic blocked by the denylist") != std::string::npos);
  CHECK(result.out.find("credguard postmortem INC-1") != std::string::npos);

  // Again: already done, nothing repeated.
  auto tags_written = platform.mlflow.count("POST", "model-versions/set-tag");
  auto again = platform.run(k_revoke);
  CHECK(again.exit_code == 0);
  CHECK(platform.mlflow.count("POST", "model-versions/set-tag") == tags_written);
  CHECK(platform.webhook.server.request_count() == 1);
  CHECK(platform.gateway.count("GET", "/admin/purge") == 1);
  check_no_secret(platform, {result, again});
}

TEST_CASE("e2e revoke: --dry-run prints the plan and changes nothing, JSON is one document")
{
  Platform platform;
  platform.write_config();
  auto result = platform.run(with(k_revoke, {"--dry-run"}));
  CHECK(result.exit_code == 0);
  CHECK(result.out.find("1. mark credit-score@7 Revoked") != std::string::npos);
  CHECK(result.out.find("move production 7 -> 6") != std::string::npos);
  CHECK(nothing_changed(platform));
  CHECK_FALSE(std::filesystem::exists(platform.credguard.home / "state" / "journal.db"));

  auto as_json = platform.run(with(k_revoke, {"--dry-run", "--output", "json"}));
  auto document = json::parse(as_json.out);
  CHECK(document["schema_version"] == 1);
  CHECK(document["plan"].size() == 7);
  CHECK(document["plan"][4]["step"] == "alias");
}

TEST_CASE("e2e revoke: refused before anything changes: no --yes without a terminal, unknown model or version, "
          "bad names, an unwritable journal, the registry down")
{
  Platform platform;
  platform.write_config();
  auto no_yes = platform.run({"revoke", "credit-score", "7", "--incident", "INC-2", "--reason", "x"});
  CHECK(no_yes.exit_code == 64);
  CHECK(no_yes.err.find("--yes") != std::string::npos);

  auto unknown_version =
      platform.run({"revoke", "credit-score", "99", "--incident", "INC-2", "--reason", "x", "--yes"});
  CHECK(unknown_version.exit_code == 65);
  CHECK(unknown_version.err.find("no version 99") != std::string::npos);
  auto unknown_model = platform.run({"revoke", "no-such", "1", "--incident", "INC-2", "--reason", "x", "--yes"});
  CHECK(unknown_model.exit_code == 65);
  auto slash = platform.run({"revoke", "../etc", "1", "--incident", "INC-2", "--reason", "x", "--yes"});
  CHECK(slash.exit_code == 65);
  CHECK(std::count(slash.err.begin(), slash.err.end(), '\n') <= 2);

  Binary& binary = platform.credguard;
  auto saved = binary.env["CREDGUARD_JOURNAL"];
  binary.env["CREDGUARD_JOURNAL"] = "/dev/null/journal.db";
  auto unwritable = platform.run(k_revoke);
  binary.env["CREDGUARD_JOURNAL"] = saved;
  CHECK(unwritable.exit_code == 74);
  CHECK(unwritable.err.find("/dev/null/journal.db") != std::string::npos);
  CHECK(nothing_changed(platform));

  platform.mlflow.set_unavailable(true);
  auto down = platform.run(k_revoke);
  platform.mlflow.set_unavailable(false);
  CHECK(down.exit_code == 69);
  CHECK(down.err.find("registry GET") != std::string::npos);
  CHECK(nothing_changed(platform));
  check_no_secret(platform, {no_yes, unknown_version, unknown_model, unwritable, down});
}

TEST_CASE("e2e revoke: a layer answering 500 and one timing out: exit 2, denylist kept, the rerun purges only them")
{
  Platform platform;
  platform.write_config();
  platform.torchserve.set_fault(Fault{500});
  platform.triton.set_fault(Fault{200, std::chrono::milliseconds(3000)});
  auto failed = platform.run(k_revoke);
  INFO(failed.out << failed.err);
  CHECK(failed.exit_code == 2);
  CHECK(platform.gateway.denylisted("credit-score", "7"));
  CHECK(platform.mlflow.alias("credit-score", "production") == "6"); // later steps still ran
  CHECK(failed.out.find("FAILED") != std::string::npos);
  auto entries = platform.journal("INC-1");
  auto purge = std::find_if(entries.begin(), entries.end(),
                            [](const json& e) { return e["action"] == "revoke.purge" && e["outcome"] == "failed"; });
  REQUIRE(purge != entries.end());
  std::map<std::string, bool> ok;
  for (const auto& endpoint : (*purge)["evidence"]["endpoints"]) {
    ok[endpoint["id"]] = endpoint["ok"];
  }
  CHECK(ok.at("serving/ts") == false);
  CHECK(ok.at("serving/triton") == false);
  CHECK(ok.at("gateway/gw") == true);
  // Retried: TorchServe saw two DELETEs for one purge (and the proof's read-back one GET).
  auto requests = platform.torchserve.server().requests();
  CHECK(std::count_if(requests.begin(), requests.end(), [](const HttpRequest& r) { return r.method == "DELETE"; }) ==
        2);

  platform.torchserve.set_fault(std::nullopt);
  platform.triton.set_fault(std::nullopt);
  auto tags_written = platform.mlflow.count("POST", "model-versions/set-tag");
  auto rerun = platform.run(k_revoke);
  INFO(rerun.out << rerun.err);
  CHECK(rerun.exit_code == 0);
  CHECK(platform.gateway.count("GET", "/admin/purge") == 1); // purged in the first run: not again
  CHECK(platform.mlflow.count("POST", "model-versions/set-tag") == tags_written);
  CHECK(platform.webhook.server.request_count() == 1);
  CHECK_FALSE(platform.torchserve.has("credit-score", "7"));
  CHECK_FALSE(platform.triton.ready("credit-score"));
}

TEST_CASE("e2e revoke: SIGKILL between steps, then a rerun finishes without repeating done steps")
{
  Platform platform;
  platform.write_config();
  platform.gateway.set_fault(Fault{200, std::chrono::milliseconds(5000)}); // the purge hangs
  std::vector<std::string> argv = {CREDGUARD_BINARY, "--config", (platform.credguard.home / "config.yaml").string()};
  argv.insert(argv.end(), k_revoke.begin(), k_revoke.end());
  {
    Spawned child(argv, platform.credguard.env, platform.credguard.home / "killed");
    REQUIRE(eventually([&] { return platform.gateway.count("GET", "/admin/purge") > 0; }));
    child.signal(SIGKILL);
    CHECK(child.wait() == 128 + SIGKILL);
  }
  CHECK(platform.trail("INC-1") ==
        std::vector<std::string>{"revoke.mark started", "revoke.mark ok", "revoke.events started", "revoke.events ok",
                                 "revoke.denylist started", "revoke.denylist ok", "revoke.purge started"});
  CHECK(platform.gateway.denylisted("credit-score", "7"));
  CHECK(platform.mlflow.alias("credit-score", "production") == "7");

  platform.gateway.set_fault(std::nullopt);
  auto tags_written = platform.mlflow.count("POST", "model-versions/set-tag");
  auto puts = platform.gateway.count("PUT", "/admin/denylist");
  auto rerun = platform.run(k_revoke);
  INFO(rerun.out << rerun.err);
  CHECK(rerun.exit_code == 0);
  CHECK(platform.mlflow.count("POST", "model-versions/set-tag") == tags_written);
  CHECK(platform.gateway.count("PUT", "/admin/denylist") == puts);
  CHECK(platform.webhook.server.request_count() == 1);
  CHECK(platform.slack.server.request_count() == 1);
  CHECK(platform.mlflow.alias("credit-score", "production") == "6");
  auto trail = platform.trail("INC-1");
  // The mark done before the kill is observed in place, not written again.
  CHECK(std::count(trail.begin(), trail.end(), "revoke.mark ok") == 2);
  CHECK(std::count(trail.begin(), trail.end(), "revoke.purge ok") == 1);
  CHECK(trail.back() == "revoke.summary ok");
  CHECK(platform.credguard.run({"journal", "verify"}).exit_code == 0);
}

TEST_CASE("e2e revoke: Ctrl-C stops after the current step, journals it and exits 130")
{
  Platform platform;
  platform.write_config();
  // The purge is slow but within its timeout, even on a loaded machine.
  platform.credguard.env["CREDGUARD_PURGE_TIMEOUT"] = "20s";
  platform.gateway.set_fault(Fault{200, std::chrono::milliseconds(1500)});
  std::vector<std::string> argv = {CREDGUARD_BINARY, "--config", (platform.credguard.home / "config.yaml").string()};
  argv.insert(argv.end(), k_revoke.begin(), k_revoke.end());
  Spawned child(argv, platform.credguard.env, platform.credguard.home / "interrupted");
  REQUIRE(eventually([&] { return platform.gateway.count("GET", "/admin/purge") > 0; }));
  child.signal(SIGINT);
  CHECK(child.wait() == 130);
  auto trail = platform.trail("INC-1");
  INFO(credguard::join(trail, "\n"));
  std::string summaries;
  for (const auto& entry : platform.journal("INC-1")) {
    summaries += entry["action"].get<std::string>() + ": " + entry["evidence"].value("summary", "") + "\n";
  }
  INFO(summaries);
  CHECK(std::find(trail.begin(), trail.end(), "revoke.purge ok") != trail.end());
  CHECK(std::find(trail.begin(), trail.end(), "revoke.alias started") == trail.end());
  CHECK(trail.back() == "revoke.summary failed");
  CHECK(platform.mlflow.alias("credit-score", "production") == "7");
}

TEST_CASE("e2e revoke: a version already Revoked under another incident is not an error")
{
  Platform platform;
  platform.mlflow.add_version("scorer", 3, {{"credguard.state", "Revoked"}, {"credguard.incident", "INC-OLD"}});
  platform.write_config();
  auto result =
      platform.run({"revoke", "scorer", "3", "--incident", "INC-9", "--reason", "again", "--yes", "--output", "json"});
  INFO(result.out << result.err);
  CHECK(result.exit_code == 0);
  auto document = json::parse(result.out);
  CHECK(document["steps"][0]["outcome"] == "skipped");
  CHECK(document["steps"][0]["summary"].get<std::string>().find("INC-OLD") != std::string::npos);
  CHECK(document["steps"][4]["outcome"] == "skipped"); // no production alias on scorer
  CHECK(platform.mlflow.tags("scorer", 3).at("credguard.incident") == "INC-OLD");
  CHECK(platform.mlflow.count("POST", "model-versions/set-tag") == 0);
}

TEST_CASE("e2e revoke: --planned with no version to move production to is refused before acting")
{
  Platform platform;
  platform.mlflow.add_version("solo", 1);
  platform.mlflow.set_alias("solo", "production", 1);
  platform.write_config();
  auto refused = platform.run({"revoke", "solo", "1", "--incident", "INC-3", "--reason", "x", "--planned", "--yes"});
  CHECK(refused.exit_code == 2);
  CHECK(refused.err.find("--to VERSION") != std::string::npos);
  CHECK(platform.mlflow.count("POST", "model-versions/set-tag") == 0);
  auto emergency = platform.run({"revoke", "solo", "1", "--incident", "INC-3", "--reason", "x", "--yes"});
  CHECK(emergency.exit_code == 0);
  CHECK_FALSE(platform.mlflow.alias("solo", "production"));
  auto entries = platform.journal("INC-3");
  auto alias = std::find_if(entries.begin(), entries.end(),
                            [](const json& e) { return e["action"] == "revoke.alias" && e["outcome"] == "ok"; });
  REQUIRE(alias != entries.end());
  CHECK((*alias)["evidence"]["old"] == "1");
  CHECK((*alias)["evidence"]["new"].is_null());
}
