// The incident steps' Kubernetes side over the k8s client, against the fake
// API server (no real one can run here).
#include "cmd/incident/kube_cluster.hpp"
#include "unit/k8s/kube_fixture.hpp"

using namespace credguard;
using credguard::test::KubeFixture;
using credguard::test::model_cronjob;
using nlohmann::json;

TEST_CASE("kube serving cluster: the Event carries the Deployment's uid, once per incident")
{
  KubeFixture kube;
  auto deployment = kube.deployment("scorer", 2, 2);
  auto client = kube.client();
  cli::KubeServingCluster cluster(*client);
  incident::ClusterEvent revoked{"ModelRevoked", "credit-score@7 revoked: INC-1", "Warning", "Revoke", "INC-1"};
  auto recorded = cluster.create_deployment_event("scorer", revoked);
  REQUIRE_FALSE(recorded.name.empty());
  CHECK_FALSE(recorded.existed);
  auto event = kube.api.get("events", "credguard", recorded.name);
  REQUIRE(event.has_value());
  // kubectl describe finds an object's events by uid (PROTOCOL-NOTES).
  CHECK((*event)["involvedObject"]["uid"] == deployment["metadata"]["uid"]);
  CHECK((*event)["involvedObject"]["resourceVersion"] == deployment["metadata"]["resourceVersion"]);
  CHECK((*event)["involvedObject"]["kind"] == "Deployment");
  CHECK((*event)["involvedObject"]["name"] == "scorer");
  CHECK((*event)["reason"] == "ModelRevoked");
  CHECK((*event)["action"] == "Revoke");
  CHECK((*event)["type"] == "Warning");
  CHECK(recorded.deployment_uid == deployment["metadata"]["uid"]);

  // The same incident again (another journal): found by involvedObject, not posted.
  auto posts = [&] {
    std::size_t n = 0;
    for (const auto& request : kube.api.requests()) {
      n += request.method == "POST" ? 1U : 0U;
    }
    return n;
  };
  auto before = posts();
  auto again = cluster.create_deployment_event("scorer", revoked);
  CHECK(again.existed);
  CHECK(again.name == recorded.name);
  CHECK(posts() == before);
  auto listed = kube.api.requests().back();
  CHECK(listed.param("fieldSelector") == "involvedObject.kind=Deployment,involvedObject.name=scorer");

  // Another incident, or another reason, is another Event.
  revoked.incident = "INC-2";
  CHECK_FALSE(cluster.create_deployment_event("scorer", revoked).existed);
  CHECK_FALSE(
      cluster.create_deployment_event("scorer", {"ModelRolledBack", "m", "Normal", "Rollback", "INC-1"}).existed);
  CHECK(posts() == before + 2);
}

TEST_CASE("kube serving cluster: an Event about a missing Deployment is an error naming it, nothing posted")
{
  KubeFixture kube;
  auto client = kube.client();
  cli::KubeServingCluster cluster(*client);
  auto error = test::error_from([&] {
    cluster.create_deployment_event("scorer", {"ModelRevoked", "m", "Warning", "Revoke", "INC-1"});
  });
  CHECK(error.kind() == ErrorKind::data);
  CHECK(std::string(error.what()).find("deployments.apps \"scorer\" not found") != std::string::npos);
  for (const auto& request : kube.api.requests()) {
    CHECK(request.method == "GET");
  }
}

TEST_CASE("kube serving cluster: a denylist ConfigMap entry is identified by its key, the first value kept")
{
  KubeFixture kube;
  kube.api.put({{"apiVersion", "v1"},
                {"kind", "ConfigMap"},
                {"metadata", {{"name", "model-denylist"}, {"namespace", "credguard"}}}});
  auto client = kube.client();
  cli::KubeServingCluster cluster(*client);

  CHECK_FALSE(cluster.add_configmap_entry("model-denylist", "credit-score.7", R"({"since":"T1"})").has_value());
  CHECK((*kube.api.get("configmaps", "credguard", "model-denylist"))["data"]["credit-score.7"] == R"({"since":"T1"})");
  auto writes = kube.api.request_count();
  // A later value for the same key changes nothing: a GET, no PATCH.
  CHECK(cluster.add_configmap_entry("model-denylist", "credit-score.7", R"({"since":"T2"})") == R"({"since":"T1"})");
  CHECK(kube.api.request_count() == writes + 1);
  CHECK((*kube.api.get("configmaps", "credguard", "model-denylist"))["data"]["credit-score.7"] == R"({"since":"T1"})");

  CHECK(cluster.remove_configmap_entry("model-denylist", "credit-score.7"));
  auto data = (*kube.api.get("configmaps", "credguard", "model-denylist")).value("data", json::object());
  CHECK_FALSE(data.contains("credit-score.7"));
  CHECK_FALSE(cluster.remove_configmap_entry("model-denylist", "credit-score.7"));
}

TEST_CASE("kube serving cluster: a missing denylist ConfigMap is an error naming it")
{
  KubeFixture kube;
  auto client = kube.client();
  cli::KubeServingCluster cluster(*client);
  auto error = test::error_from([&] { cluster.add_configmap_entry("model-denylist", "credit-score.7", "INC-1"); });
  CHECK(error.kind() == ErrorKind::data);
  CHECK(std::string(error.what()).find("model-denylist") != std::string::npos);
}

TEST_CASE("kube serving cluster: only the model's CronJobs are suspended, already suspended ones untouched")
{
  KubeFixture kube;
  kube.api.put(model_cronjob("score-nightly", "credguard", "credit-score", false));
  kube.api.put(model_cronjob("score-weekly", "credguard", "credit-score", true));
  kube.api.put(model_cronjob("fraud-nightly", "credguard", "fraud", false));
  auto client = kube.client();
  cli::KubeServingCluster cluster(*client);

  auto changes = cluster.suspend_cronjobs("credguard.io/model=credit-score");
  REQUIRE(changes.size() == 2);
  for (const auto& change : changes) {
    CHECK(change.was_suspended == (change.name == "score-weekly"));
  }
  CHECK((*kube.api.get("cronjobs", "credguard", "score-nightly"))["spec"].value("suspend", false));
  CHECK((*kube.api.get("cronjobs", "credguard", "score-weekly"))["spec"].value("suspend", false));
  CHECK((*kube.api.get("cronjobs", "credguard", "fraud-nightly"))["spec"]["suspend"] == false);
}
