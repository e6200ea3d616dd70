#include "kube_fixture.hpp"

using namespace credguard;
using namespace credguard::test;

namespace {

void cronjob(FakeKubeApi& api, const std::string& version, const std::string& name)
{
  api.put({{"apiVersion", version},
           {"kind", "CronJob"},
           {"metadata", {{"name", name}, {"namespace", "credguard"}}},
           {"spec", {{"schedule", "0 2 * * *"}, {"suspend", false}}}});
}

} // namespace

TEST_CASE("k8s writes: create POSTs JSON and returns the stored object, a second create conflicts")
{
  KubeFixture f;
  auto client = f.client();
  auto path = k8s::resource_path("v1", "configmaps", "credguard");
  nlohmann::json map = {
      {"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "denylist"}}}, {"data", {{"fa_12_v2", "7"}}}};
  auto created = client->create(path, map);
  CHECK(created["metadata"]["namespace"] == "credguard");
  CHECK_FALSE(created["metadata"]["uid"].get<std::string>().empty());
  CHECK(f.api.requests().back().method == "POST");
  CHECK(f.api.requests().back().header("Content-Type") == "application/json");

  auto again = error_from([&] { client->create(path, map); });
  CHECK(again.kind() == ErrorKind::conflict);
  CHECK(std::string(again.what()).find("configmaps \"denylist\" already exists") != std::string::npos);
}

TEST_CASE("k8s writes: the three patch types are sent with their content types and applied")
{
  KubeFixture f;
  f.deployment("scorer", 2, 2);
  auto client = f.client();
  auto path = k8s::resource_path("apps/v1", "deployments", "credguard", "scorer");

  auto merged =
      client->patch(path, {{"metadata", {{"labels", {{"tier", "gold"}, {"app", nullptr}}}}}}, k8s::PatchType::merge);
  CHECK(merged["metadata"]["labels"] == nlohmann::json{{"tier", "gold"}});
  CHECK(f.api.requests().back().header("Content-Type") == "application/merge-patch+json");

  client->patch(path, {{"spec", {{"template", {{"spec", {{"containers", {{{"name", "app"}, {"image", "v1"}}}}}}}}}}},
                k8s::PatchType::merge);
  auto strategic = client->patch(
      path, {{"spec", {{"template", {{"spec", {{"containers", {{{"name", "sidecar"}, {"image", "s1"}}}}}}}}}}},
      k8s::PatchType::strategic_merge);
  CHECK(strategic["spec"]["template"]["spec"]["containers"].size() == 2); // merged by name, not replaced
  CHECK(f.api.requests().back().header("Content-Type") == "application/strategic-merge-patch+json");

  auto json_patched =
      client->patch(path, nlohmann::json::array({{{"op", "replace"}, {"path", "/spec/replicas"}, {"value", 5}}}),
                    k8s::PatchType::json_patch);
  CHECK(json_patched["spec"]["replicas"] == 5);
  CHECK(f.api.requests().back().header("Content-Type") == "application/json-patch+json");

  auto failed_test = error_from([&] {
    client->patch(path, nlohmann::json::array({{{"op", "test"}, {"path", "/spec/replicas"}, {"value", 9}}}),
                  k8s::PatchType::json_patch);
  });
  CHECK(failed_test.kind() == ErrorKind::data);
  CHECK(std::string(failed_test.what()).find("HTTP 422 Invalid") != std::string::npos);
}

TEST_CASE("k8s writes: scale reads a missing spec.replicas as 0 and writes through /scale")
{
  KubeFixture f;
  f.deployment("scorer", 0, 0);
  auto client = f.client();
  auto path = k8s::resource_path("apps/v1", "deployments", "credguard", "scorer");
  auto zero = client->get_scale(path);
  CHECK(zero.replicas == 0);
  CHECK(zero.current_replicas == 0);
  CHECK(zero.selector == "app=scorer");

  auto scaled = client->scale(path, 3);
  CHECK(scaled.replicas == 3);
  CHECK(f.api.get("deployments", "credguard", "scorer").value()["spec"]["replicas"] == 3);
  auto put = f.api.requests().back();
  CHECK(put.method == "PUT");
  CHECK(put.path == "/apis/apps/v1/namespaces/credguard/deployments/scorer/scale");
  CHECK_FALSE(nlohmann::json::parse(put.body)["metadata"]["resourceVersion"].get<std::string>().empty());

  auto down = client->scale(path, 0);
  CHECK(down.replicas == 0);
  auto stored = f.api.get("deployments", "credguard", "scorer").value();
  CHECK(stored["spec"]["replicas"] == 0);
  CHECK_FALSE(stored["status"].contains("availableReplicas")); // zero is omitted
}

TEST_CASE("k8s writes: a read-modify-write that conflicts is retried on fresh state")
{
  KubeFixture f;
  f.deployment("scorer", 2, 2);
  auto client = f.client();
  auto path = k8s::resource_path("apps/v1", "deployments", "credguard", "scorer");
  f.api.interleave_writes(2); // someone else writes after each of our next two reads
  auto scaled = client->scale(path, 4);
  CHECK(scaled.replicas == 4);
  int puts = 0;
  int conflicts = 0;
  for (const auto& request : f.api.requests()) {
    puts += request.method == "PUT" ? 1 : 0;
  }
  conflicts = puts - 1;
  CHECK(puts == 3);
  CHECK(conflicts == 2);

  f.api.interleave_writes(10);
  auto error = error_from([&] {
    client->update(
        path,
        [](nlohmann::json& d) {
          d["metadata"]["labels"]["touched"] = "yes";
          return true;
        },
        3);
  });
  CHECK(error.kind() == ErrorKind::conflict);
  CHECK(std::string(error.what()).find("the object has been modified") != std::string::npos);
}

TEST_CASE("k8s writes: CronJobs go through the batch version whose resource list has cronjobs, found once")
{
  // 1.20: /apis/batch lists batch/v1 first, but only batch/v1beta1 serves
  // cronjobs (PROTOCOL-NOTES).
  KubeFixture old;
  old.api.serve_as(KubeRelease::v1_20);
  cronjob(old.api, "batch/v1beta1", "nightly-scoring");
  auto old_client = old.client();
  CHECK(old_client->batch_version() == "batch/v1beta1");
  auto suspended = old_client->set_cronjob_suspended("", "nightly-scoring", true);
  CHECK(suspended["spec"]["suspend"] == true);
  CHECK(suspended["apiVersion"] == "batch/v1beta1");
  CHECK(old.api.requests().back().path == "/apis/batch/v1beta1/namespaces/credguard/cronjobs/nightly-scoring");
  CHECK(old.api.requests().back().header("Content-Type") == "application/merge-patch+json");
  CHECK(old.api.get("cronjobs", "credguard", "nightly-scoring").value()["spec"]["suspend"] == true);
  old_client->set_cronjob_suspended("", "nightly-scoring", false);
  std::vector<std::string> discovery;
  for (const auto& request : old.api.requests()) {
    if (request.path.find("/namespaces/") == std::string::npos) {
      discovery.push_back(request.path);
    }
  }
  // Asked in order, once per client.
  CHECK(discovery == std::vector<std::string>{"/apis/batch", "/apis/batch/v1", "/apis/batch/v1beta1"});

  // 1.25: batch/v1 only, and it has cronjobs: one resource list read.
  KubeFixture current;
  current.api.serve_as(KubeRelease::v1_25);
  cronjob(current.api, "batch/v1", "nightly-scoring");
  auto client = current.client();
  client->set_cronjob_suspended("credguard", "nightly-scoring", true);
  CHECK(current.api.requests().back().path == "/apis/batch/v1/namespaces/credguard/cronjobs/nightly-scoring");
  CHECK(current.api.requests().size() == 3);
  CHECK(client->batch_version() == "batch/v1");

  auto missing = error_from([&] { client->set_cronjob_suspended("credguard", "absent", true); });
  CHECK(std::string(missing.what()).find("cronjobs.batch \"absent\" not found") != std::string::npos);

  auto anonymous = old.client(old.access(""));
  auto refused = error_from([&] { anonymous->batch_version(); });
  CHECK(refused.kind() == ErrorKind::auth);
  CHECK(std::string(refused.what()).find("/apis/batch") != std::string::npos);
}

TEST_CASE("k8s writes: ConfigMap data keys are set and removed with a merge patch")
{
  KubeFixture f;
  f.api.put({{"apiVersion", "v1"},
             {"kind", "ConfigMap"},
             {"metadata", {{"name", "gateway-denylist"}, {"namespace", "credguard"}}},
             {"data", {{"keep", "1"}, {"drop", "2"}}}});
  auto client = f.client();
  auto patched =
      client->patch_configmap("credguard", "gateway-denylist", {{"fa_12_v2", "blocked"}, {"drop", std::nullopt}});
  CHECK(patched["data"] == nlohmann::json{{"keep", "1"}, {"fa_12_v2", "blocked"}});
}

TEST_CASE("k8s writes: an Event is recorded against the object and can be listed by field selector")
{
  KubeFixture f;
  auto client = f.client();
  auto event = client->create_event(
      {"",
       {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", "scorer"}, {"namespace", "credguard"}},
       "ModelRevoked",
       "fa_12_v2 version 7 revoked under INC-20261123-001",
       "Warning"});
  CHECK(event["metadata"]["name"].get<std::string>().rfind("scorer.", 0) == 0);
  CHECK(f.api.requests().back().path == "/api/v1/namespaces/credguard/events");
  CHECK(event["firstTimestamp"] == "2026-11-23T08:00:00Z"); // the injected clock

  auto events = client->list(k8s::resource_path("v1", "events", "credguard"),
                             k8s::ListOptions{"", "involvedObject.name=scorer,type=Warning", 500});
  REQUIRE(events["items"].size() == 1);
  CHECK(events["items"][0]["reason"] == "ModelRevoked");
}
