// The incident steps' Kubernetes side over the k8s client, against the fake
// API server (no real one can run here).
#include "cmd/incident/kube_cluster.hpp"
#include "unit/k8s/kube_fixture.hpp"

using namespace credguard;
using credguard::test::KubeFixture;
using credguard::test::model_cronjob;
using nlohmann::json;

TEST_CASE("kube serving cluster: the Event names the serving Deployment")
{
  KubeFixture kube;
  auto client = kube.client();
  cli::KubeServingCluster cluster(*client);
  auto name =
      cluster.create_deployment_event("scorer", {"ModelRevoked", "credit-score@7 revoked: INC-1", "Warning", "Revoke"});
  REQUIRE_FALSE(name.empty());
  auto event = kube.api.get("events", "credguard", name);
  REQUIRE(event.has_value());
  CHECK((*event)["involvedObject"]["kind"] == "Deployment");
  CHECK((*event)["involvedObject"]["name"] == "scorer");
  CHECK((*event)["reason"] == "ModelRevoked");
  CHECK((*event)["type"] == "Warning");
}

TEST_CASE("kube serving cluster: denylist ConfigMap entries are added once and removed")
{
  KubeFixture kube;
  kube.api.put({{"apiVersion", "v1"},
                {"kind", "ConfigMap"},
                {"metadata", {{"name", "model-denylist"}, {"namespace", "credguard"}}}});
  auto client = kube.client();
  cli::KubeServingCluster cluster(*client);

  CHECK_FALSE(cluster.set_configmap_entry("model-denylist", "credit-score.7", "INC-1"));
  CHECK((*kube.api.get("configmaps", "credguard", "model-denylist"))["data"]["credit-score.7"] == "INC-1");
  auto writes = kube.api.request_count();
  CHECK(cluster.set_configmap_entry("model-denylist", "credit-score.7", "INC-1"));
  CHECK(kube.api.request_count() == writes + 1); // a GET, no PATCH

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
  auto error = test::error_from([&] { cluster.set_configmap_entry("model-denylist", "credit-score.7", "INC-1"); });
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
  CHECK_FALSE((*kube.api.get("cronjobs", "credguard", "fraud-nightly"))["spec"].value("suspend", false));
}
