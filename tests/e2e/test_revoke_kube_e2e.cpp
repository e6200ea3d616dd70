// revoke end to end with a cluster: the built binary reads a kubeconfig that
// points at the fake Kubernetes API server (no real one can run here),
// answering as 1.20 or as 1.25, and does the Kubernetes side of steps 2, 3
// and 6: an Event on the serving Deployment, the denylist ConfigMap entry,
// the model's CronJobs suspended.
#include "fakes/fake_kube.hpp"
#include "platform.hpp"

#include <catch2/catch.hpp>

using namespace credguard::test;
using nlohmann::json;

namespace {

constexpr const char* k_kube_token = "kube-token-fixture-5a6b";

const std::vector<std::string> k_revoke = {"revoke",   "credit-score",         "7",    "--incident", "INC-K1",
                                           "--reason", "PSI drift above 0.25", "--yes"};

// The platform of the other revoke tests, plus a cluster: the serving
// Deployment, the gateway's denylist ConfigMap and three CronJobs, two of
// them the model's (one already suspended).
struct ClusterPlatform {
  Platform platform;
  FakeKubeApi kube;

  explicit ClusterPlatform(KubeRelease release = KubeRelease::v1_20)
  {
    kube.serve_as(release);
    kube.add_token(k_kube_token, "oncall");
    kube.put({{"apiVersion", "apps/v1"},
              {"kind", "Deployment"},
              {"metadata", {{"name", "scorer"}, {"namespace", "scoring"}}},
              {"spec", {{"replicas", 2}}}});
    kube.put({{"apiVersion", "v1"},
              {"kind", "ConfigMap"},
              {"metadata", {{"name", "model-denylist"}, {"namespace", "scoring"}}},
              {"data", {{"fraud.3", "{}"}}}});
    kube.put(model_cronjob("score-nightly", "scoring", "credit-score", false));
    kube.put(model_cronjob("score-weekly", "scoring", "credit-score", true));
    kube.put(model_cronjob("fraud-nightly", "scoring", "fraud", false));

    auto kubeconfig = platform.credguard.home.write("kubeconfig", "apiVersion: v1\n"
                                                                  "kind: Config\n"
                                                                  "clusters:\n"
                                                                  "- name: fake\n"
                                                                  "  cluster:\n"
                                                                  "    server: " +
                                                                      kube.url() +
                                                                      "\n"
                                                                      "users:\n"
                                                                      "- name: oncall\n"
                                                                      "  user:\n"
                                                                      "    token: " +
                                                                      k_kube_token +
                                                                      "\n"
                                                                      "contexts:\n"
                                                                      "- name: fake\n"
                                                                      "  context: {cluster: fake, user: oncall}\n"
                                                                      "current-context: fake\n");
    // Platform::config() ends inside the `serving:` section.
    platform.write_config("  denylist_configmap: model-denylist\n"
                          "  deployment: scorer\n"
                          "kubernetes:\n"
                          "  kubeconfig: " +
                          kubeconfig.string() + "\n  namespace: scoring\n");
  }

  std::size_t count(const std::string& method, const std::string& path_part) const
  {
    std::size_t n = 0;
    for (const auto& request : kube.requests()) {
      n += request.method == method && request.target.find(path_part) != std::string::npos ? 1U : 0U;
    }
    return n;
  }

  bool suspended(const std::string& name) const
  {
    return kube.get("cronjobs", "scoring", name).value()["spec"].value("suspend", false);
  }

  json denylist() const { return kube.get("configmaps", "scoring", "model-denylist").value()["data"]; }

  // The evidence of the last `outcome` entry of `action`.
  json evidence(const std::string& action, const std::string& outcome = "ok") const
  {
    json found;
    for (const auto& entry : platform.journal("INC-K1")) {
      if (entry["action"] == action && entry["outcome"] == outcome) {
        found = entry["evidence"];
      }
    }
    return found;
  }

  // The Kubernetes delivery of the events step's last entry.
  json kube_delivery() const
  {
    json found;
    for (const auto& entry : platform.journal("INC-K1")) {
      if (entry["action"] == "revoke.events" && entry["outcome"] != "started") {
        for (const auto& delivery : entry["evidence"]["deliveries"]) {
          if (delivery["sink"] == "kubernetes") {
            found = delivery;
          }
        }
      }
    }
    return found;
  }

  void check_no_secret(const std::vector<ProcessResult>& results) const
  {
    auto secrets = fixture_secrets();
    secrets.emplace_back(k_kube_token);
    auto journal = platform.journal_bytes();
    for (const auto& secret : secrets) {
      INFO(secret);
      for (const auto& result : results) {
        CHECK(result.out.find(secret) == std::string::npos);
        CHECK(result.err.find(secret) == std::string::npos);
      }
      CHECK(journal.find(secret) == std::string::npos);
    }
  }
};

} // namespace

TEST_CASE("e2e revoke with a cluster: Deployment Event, denylist ConfigMap entry, the model's CronJobs suspended")
{
  // PROTOCOL-NOTES: CronJobs are batch/v1beta1 on 1.20 (batch/v1 is listed
  // but serves only jobs), batch/v1 from 1.21, and only there from 1.25.
  auto [release, batch] = GENERATE(table<KubeRelease, std::string>(
      {{KubeRelease::v1_20, "/apis/batch/v1beta1/"}, {KubeRelease::v1_25, "/apis/batch/v1/"}}));
  INFO("batch through " << batch);
  ClusterPlatform cluster(release);
  auto result = cluster.platform.run(k_revoke);
  INFO(result.out << result.err);
  REQUIRE(result.exit_code == 0);

  auto trail = cluster.platform.trail("INC-K1");
  CHECK(std::find(trail.begin(), trail.end(), "revoke.freeze ok") != trail.end());
  CHECK(std::find(trail.begin(), trail.end(), "revoke.denylist ok") != trail.end());

  auto delivery = cluster.kube_delivery();
  REQUIRE(delivery.value("ok", false));
  auto event = cluster.kube.get("events", "scoring", delivery["event"].get<std::string>());
  REQUIRE(event.has_value());
  // kubectl describe deployment finds it by uid (PROTOCOL-NOTES).
  auto deployment = cluster.kube.get("deployments", "scoring", "scorer").value();
  CHECK((*event)["involvedObject"]["uid"] == deployment["metadata"]["uid"]);
  CHECK_FALSE((*event)["involvedObject"]["resourceVersion"].get<std::string>().empty());
  CHECK((*event)["involvedObject"]["kind"] == "Deployment");
  CHECK((*event)["involvedObject"]["name"] == "scorer");
  CHECK((*event)["reason"] == "ModelRevoked");
  CHECK((*event)["action"] == "Revoke");
  CHECK((*event)["message"].get<std::string>().find("INC-K1") != std::string::npos);

  auto denylist = cluster.denylist();
  REQUIRE(denylist.contains("credit-score.7"));
  CHECK(json::parse(denylist["credit-score.7"].get<std::string>())["incident"] == "INC-K1");
  CHECK(denylist["fraud.3"] == "{}");

  CHECK(cluster.suspended("score-nightly"));
  CHECK(cluster.suspended("score-weekly"));
  CHECK_FALSE(cluster.suspended("fraud-nightly"));
  CHECK(cluster.count("PATCH", batch + "namespaces/scoring/cronjobs/score-nightly") == 1);
  CHECK(cluster.count("PATCH", "/cronjobs/") == 1); // score-weekly was already suspended
  auto freeze = cluster.evidence("revoke.freeze");
  CHECK(freeze["selector"] == "credguard.io/model=credit-score");
  REQUIRE(freeze["cronjobs"].size() == 2);
  for (const auto& job : freeze["cronjobs"]) {
    CHECK(job["was_suspended"] == (job["name"] == "score-weekly"));
  }
  CHECK(result.out.find("1 suspended, 1 already suspended") != std::string::npos);

  // Again: every Kubernetes change is already done, none is repeated.
  auto patches = cluster.count("PATCH", "");
  auto events = cluster.count("POST", "/events");
  auto again = cluster.platform.run(k_revoke);
  CHECK(again.exit_code == 0);
  CHECK(cluster.count("PATCH", "") == patches);
  CHECK(cluster.count("POST", "/events") == events);
  cluster.check_no_secret({result, again});
}

TEST_CASE("e2e revoke with a cluster, rerun by another operator with a fresh journal: the cluster is left as it is")
{
  ClusterPlatform cluster;
  auto first = cluster.platform.run(k_revoke);
  INFO(first.out << first.err);
  REQUIRE(first.exit_code == 0);
  auto entry = cluster.denylist()["credit-score.7"].get<std::string>();
  auto first_event = cluster.kube_delivery()["event"];

  // Another host: the same incident, its own empty journal.
  cluster.platform.credguard.env["CREDGUARD_JOURNAL"] = (cluster.platform.credguard.home / "other.db").string();
  auto patches = cluster.count("PATCH", "");
  auto events = cluster.count("POST", "/events");
  auto rerun = cluster.platform.run(k_revoke);
  INFO(rerun.out << rerun.err);
  CHECK(rerun.exit_code == 0);
  CHECK(cluster.count("PATCH", "") == patches);
  CHECK(cluster.count("POST", "/events") == events);
  CHECK(cluster.denylist()["credit-score.7"] == entry); // the first `since` kept
  // ... and says so.
  auto since = json::parse(entry)["since"].get<std::string>();
  CHECK(rerun.out.find("already denylisted since " + since + " (INC-K1)") != std::string::npos);
  CHECK(rerun.out.find("0 suspended, 2 already suspended") != std::string::npos);
  CHECK(rerun.out.find("was already recorded") != std::string::npos);
  auto delivery = cluster.kube_delivery();
  CHECK(delivery["event"] == first_event);
  CHECK(delivery["already"] == true);
  cluster.check_no_secret({first, rerun});
}

TEST_CASE("e2e revoke with a cluster whose serving Deployment is missing: the events step fails naming it")
{
  ClusterPlatform cluster;
  cluster.platform.write_config("  denylist_configmap: model-denylist\n"
                                "  deployment: scorer-typo\n"
                                "kubernetes:\n"
                                "  kubeconfig: " +
                                (cluster.platform.credguard.home / "kubeconfig").string() + "\n  namespace: scoring\n");
  auto result = cluster.platform.run(k_revoke);
  INFO(result.out << result.err);
  CHECK(result.exit_code == 2);
  auto trail = cluster.platform.trail("INC-K1");
  CHECK(std::find(trail.begin(), trail.end(), "revoke.events failed") != trail.end());
  auto failed = cluster.evidence("revoke.events", "failed");
  CHECK(cluster.kube_delivery()["error"].get<std::string>().find("deployments.apps \"scorer-typo\" not found") !=
        std::string::npos);
  CHECK(failed["deliveries"].size() >= 2);
  CHECK(cluster.count("POST", "/events") == 0);
  CHECK(result.out.find("scorer-typo") != std::string::npos);
}

TEST_CASE("e2e revoke with a cluster that is down: exit 2 with the gateway denylist in place, the rerun completes")
{
  ClusterPlatform cluster;
  cluster.kube.set_unavailable(true);
  auto down = cluster.platform.run(k_revoke);
  INFO(down.out << down.err);
  CHECK(down.exit_code == 2);
  auto trail = cluster.platform.trail("INC-K1");
  CHECK(std::find(trail.begin(), trail.end(), "revoke.denylist failed") != trail.end());
  CHECK(std::find(trail.begin(), trail.end(), "revoke.freeze failed") != trail.end());
  // What did not need the cluster was done: the gateway blocks the version
  // and production moved.
  CHECK(cluster.platform.gateway.denylisted("credit-score", "7"));
  CHECK(cluster.platform.mlflow.alias("credit-score", "production") == "6");
  CHECK_FALSE(cluster.denylist().contains("credit-score.7"));

  cluster.kube.set_unavailable(false);
  auto hooks = cluster.platform.webhook.server.request_count();
  auto rerun = cluster.platform.run(k_revoke);
  INFO(rerun.out << rerun.err);
  CHECK(rerun.exit_code == 0);
  CHECK(cluster.denylist().contains("credit-score.7"));
  CHECK(cluster.suspended("score-nightly"));
  CHECK(cluster.kube_delivery().value("ok", false));
  // The webhook got the event in the first run: not sent twice.
  CHECK(cluster.platform.webhook.server.request_count() == hooks);
  cluster.check_no_secret({down, rerun});
}
