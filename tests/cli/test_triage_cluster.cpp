// triage --from-cluster and the cluster's maintenance window, against the
// fake Kubernetes API server (no real one can run here).
#include "fakes/fake_kube.hpp"
#include "harness.hpp"

#include <credguard/core/time_format.hpp>
#include <credguard/journal/journal.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace credguard;
using namespace credguard::test;
using nlohmann::json;

namespace {

constexpr const char* k_token = "fixture-k8s-triage-token-5150";

std::string kubeconfig(const std::string& server, const std::string& token)
{
  return "apiVersion: v1\nkind: Config\ncurrent-context: prod\n"
         "clusters: [{name: prod, cluster: {server: '" +
         server +
         "'}}]\n"
         "contexts: [{name: prod, context: {cluster: prod, user: ops, namespace: credguard}}]\n"
         "users: [{name: ops, user: {token: " +
         token + "}}]\n";
}

// The bot's pod, running on node-1; `scheduled` false: Pending, on no node.
void bot_pod(FakeKubeApi& api, const std::string& name, const std::string& ns = "monitoring", bool scheduled = true)
{
  json spec = {{"containers", {{{"name", "bot"}, {"image", "incident-bot:1.4"}}}}};
  if (scheduled) {
    spec["nodeName"] = "node-1";
  }
  api.put({{"apiVersion", "v1"},
           {"kind", "Pod"},
           {"metadata", {{"name", name}, {"namespace", ns}, {"labels", {{"app", "incident-bot"}}}}},
           {"spec", spec},
           {"status", {{"phase", scheduled ? "Running" : "Pending"}}}});
}

// A cluster with the bot's pod, its log, and the harness pointed at it.
struct Cluster {
  FakeKubeApi api;
  CliHarness h;

  Cluster()
  {
    api.add_token(k_token, "ops");
    bot_pod(api, "incident-bot-7d9f");
    auto now = std::chrono::system_clock::now();
    auto line = [&](int ago, const std::string& text) {
      api.add_log_line("monitoring", "incident-bot-7d9f", "bot", now - std::chrono::seconds(ago), text);
    };
    line(7200, R"(INFO guard: {"type":"GuardTrip","risk_score":0.95,"capsule_hash":"old"})");
    line(2000, "INFO incident-bot started, watching 12 capsules");
    line(1800, R"(INFO guard: {"type":"GuardTrip","risk_score":0.2,"heartbeat_misses":1,"capsule_hash":"c1"})");
    line(
        90,
        R"(INFO guard: {"type":"GuardTrip","risk_score":0.65,"heartbeat_misses":4,"capsule_hash":"c2","tenant_id":"t-42"})");
    line(80, R"(WARN guard: GuardTrip {"type":"GuardTrip","risk_score":)");
    h.env.set("KUBECONFIG", h.home.write("kubeconfig", kubeconfig(api.url(), k_token)).string());
  }

  std::vector<journal::Entry> entries()
  {
    journal::Journal journal(h.home / "journal.db", journal::Journal::Mode::read_only, h.clock,
                             journal::Identity{"t", "t", "", "h"});
    return journal.list(journal::Filter{});
  }

  void maintenance(json data)
  {
    api.put({{"apiVersion", "v1"},
             {"kind", "ConfigMap"},
             {"metadata", {{"name", "maintenance-status"}, {"namespace", "monitoring"}}},
             {"data", std::move(data)}});
  }
};

bool contains(const std::string& text, const std::string& part)
{
  return text.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("triage --from-cluster: the bot's recent log lines are triaged like a batch and journaled")
{
  Cluster c;
  int code = c.h.run({"--output", "json", "triage", "--from-cluster", "--incident", "INC-C1"});
  INFO(c.h.out.str() << c.h.err.str());
  CHECK(code == 2); // 0.65 with 4 misses: legitimate
  auto doc = json::parse(c.h.out.str());
  CHECK(doc["incident"] == "INC-C1");
  CHECK(doc["summary"]["events"] == 2); // the 2-hour-old trip is outside --since 1h
  CHECK(doc["summary"]["legitimate"] == 1);
  CHECK(doc["summary"]["false_positive"] == 1);
  CHECK(doc["summary"]["ignored"] == 1);
  CHECK(doc["summary"]["unreadable"] == 1);
  CHECK(contains(c.h.err.str(), "could not be read"));
  CHECK(doc["events"][1]["inputs"]["tenant_id"] == "t-42");

  auto requests = c.api.requests();
  bool listed = false;
  for (const auto& r : requests) {
    if (r.path == "/api/v1/namespaces/monitoring/pods") {
      listed = r.param("labelSelector") == "app=incident-bot";
    }
  }
  CHECK(listed);
  auto log_request =
      std::find_if(requests.begin(), requests.end(), [](const HttpRequest& r) { return r.path.ends_with("/log"); });
  REQUIRE(log_request != requests.end());
  CHECK(log_request->path == "/api/v1/namespaces/monitoring/pods/incident-bot-7d9f/log");
  CHECK(log_request->param("sinceSeconds") == "3600");
  CHECK(log_request->param("timestamps") == "true");

  auto all = c.entries();
  REQUIRE(all.size() == 1);
  CHECK(all[0].what.action == "triage.cluster");
  CHECK(all[0].what.incident == "INC-C1");
  CHECK(all[0].what.target == "pods:monitoring/app=incident-bot");
  CHECK(all[0].what.evidence["context"]["pods"][0]["pod"] == "incident-bot-7d9f");
  for (const auto& text : {c.h.out.str(), c.h.err.str(), all[0].what.evidence.dump()}) {
    CHECK_FALSE(contains(text, k_token));
  }

  // --since widens the window, --pod and --container name the source directly.
  CHECK(c.h.run({"--output", "json", "triage", "--from-cluster", "--pod", "incident-bot-7d9f", "--container", "bot",
                 "--since", "3h", "--incident", "INC-C2"}) == 2);
  CHECK(json::parse(c.h.out.str())["summary"]["events"] == 3);
  auto again = c.api.requests();
  auto last_log =
      std::find_if(again.rbegin(), again.rend(), [](const HttpRequest& r) { return r.path.ends_with("/log"); });
  REQUIRE(last_log != again.rend());
  CHECK(last_log->param("sinceSeconds") == "10800");
  CHECK(last_log->param("container") == "bot");
}

TEST_CASE("triage --from-cluster: no cluster is a config error, API refusals name the path")
{
  CliHarness h;
  CHECK(h.run({"triage", "--from-cluster"}) == 78);
  CHECK(contains(h.err.str(), "no Kubernetes cluster configured"));
  CHECK(contains(h.err.str(), "kubernetes.kubeconfig"));
  CHECK_FALSE(std::filesystem::exists(h.home / "journal.db"));

  Cluster c;
  CHECK(c.h.run({"triage", "--from-cluster", "--pod", "ghost"}) == 65);
  CHECK(contains(c.h.err.str(), "/api/v1/namespaces/monitoring/pods/ghost/log"));
  CHECK(contains(c.h.err.str(), "pods \"ghost\" not found"));
  CHECK(c.h.run({"triage", "--from-cluster", "--container", "nope"}) == 65);
  CHECK(contains(c.h.err.str(), "container nope is not valid for pod incident-bot-7d9f"));
  CHECK(c.h.run({"triage", "--from-cluster", "--selector", "app=nobody"}) == 69);
  CHECK(contains(c.h.err.str(), "no pod matches labelSelector app=nobody in namespace monitoring"));
  CHECK(c.h.run({"triage", "--from-cluster", "--since", "soon"}) == 64);
  c.api.deny("ops", "get", "pods/log");
  CHECK(c.h.run({"triage", "--from-cluster"}) == 77);
  CHECK(contains(c.h.err.str(), "HTTP 403 Forbidden"));
  CHECK(contains(c.h.err.str(), "/pods/incident-bot-7d9f/log"));
  CHECK_FALSE(std::filesystem::exists(c.h.home / "journal.db")); // nothing journaled on failure

  CHECK(c.h.run({"triage", "--from-cluster", "--risk-score", "0.5"}) == 64);
  CHECK(c.h.run({"triage", "--from-cluster", "--batch"}) == 64);
  CHECK(c.h.run({"triage", "--pod", "x", "--risk-score", "0.5"}) == 64); // --pod needs --from-cluster
  CHECK(c.h.run({"triage", "--from-cluster", "--execute"}) == 64);
}

TEST_CASE("triage --from-cluster: a bot pod never scheduled has no log yet (204): exit 69, not \"no trips\"")
{
  Cluster c;
  bot_pod(c.api, "incident-bot-pending", "monitoring", false);
  CHECK(c.h.run({"triage", "--from-cluster", "--pod", "incident-bot-pending", "--incident", "INC-P1"}) == 69);
  CHECK(contains(c.h.err.str(), "no log yet from pod monitoring/incident-bot-pending (phase Pending)"));
  CHECK(c.h.out.str().empty());
  CHECK_FALSE(std::filesystem::exists(c.h.home / "journal.db"));

  // Beside a running pod, the pending one is named and the running one's log triaged.
  CHECK(c.h.run({"--output", "json", "triage", "--from-cluster", "--incident", "INC-P2"}) == 2);
  auto doc = json::parse(c.h.out.str());
  CHECK(doc["summary"]["events"] == 2);
  CHECK(contains(c.h.err.str(), "pod monitoring/incident-bot-pending (phase Pending) has no log yet"));
  auto all = c.entries();
  REQUIRE(all.size() == 1);
  CHECK(all[0].what.evidence["context"]["pods_without_log"][0] == "monitoring/incident-bot-pending (phase Pending)");
}

TEST_CASE("triage: an active maintenance-status ConfigMap counts as --maintenance, a missing one as none")
{
  Cluster c;
  std::vector<std::string> suspicious = {"--output",           "json", "triage", "--risk-score", "0.65",
                                         "--heartbeat-misses", "3"};
  // No ConfigMap: no window, said in the path.
  CHECK(c.h.run(suspicious) == 2);
  auto doc = json::parse(c.h.out.str());
  CHECK(doc["inputs"]["maintenance"] == false);
  CHECK(doc["path"][0]["check"] == "maintenance (cluster)");
  CHECK(doc["path"][0]["value"] == "none");
  CHECK(
      contains(doc["path"][0]["result"].get<std::string>(), "configmap monitoring/maintenance-status does not exist"));

  auto until = format_rfc3339_seconds(c.h.clock.now() + std::chrono::hours(1));
  c.maintenance({{"active", "true"}, {"until", until}, {"reason", "node upgrade"}});
  CHECK(c.h.run(suspicious) == 1); // the window explains the misses: investigate
  doc = json::parse(c.h.out.str());
  CHECK(doc["inputs"]["maintenance"] == true);
  CHECK(doc["path"][0]["value"] == "active");
  CHECK(contains(doc["path"][0]["result"].get<std::string>(), "node upgrade"));

  // An expired window is no window.
  c.maintenance({{"active", "true"}, {"until", format_rfc3339_seconds(c.h.clock.now() - std::chrono::hours(1))}});
  CHECK(c.h.run(suspicious) == 2);

  // The bot's log is triaged with the window too.
  c.maintenance({{"active", "true"}});
  CHECK(c.h.run({"--output", "json", "triage", "--from-cluster"}) == 1);
  CHECK(json::parse(c.h.out.str())["events"][1]["inputs"]["maintenance"] == true);

  // Unreadable: a warning, the window unknown, the triage goes on.
  c.api.deny("ops", "get", "configmaps");
  CHECK(c.h.run(suspicious) == 2);
  CHECK(contains(c.h.err.str(), "maintenance window unknown"));
  doc = json::parse(c.h.out.str());
  CHECK(doc["path"][0]["value"] == "unknown");

  // --maintenance still forces it, without asking the cluster.
  auto before = c.api.request_count();
  CHECK(c.h.run({"triage", "--risk-score", "0.65", "--heartbeat-misses", "3", "--maintenance"}) == 1);
  CHECK(c.api.request_count() == before);
}
