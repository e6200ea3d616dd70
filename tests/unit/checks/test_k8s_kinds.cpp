#include "fakes/fake_kube.hpp"
#include "support/fake_clock.hpp"

#include <credguard/checks/engine.hpp>
#include <credguard/core/error.hpp>
#include <credguard/core/time_format.hpp>
#include <credguard/k8s/client.hpp>

#include <catch2/catch.hpp>

using namespace credguard;
using namespace credguard::checks;
using nlohmann::json;

namespace {

const MapEnv g_env; // outlives every Config that refers to it

constexpr const char* k_token = "fixture-k8s-token-0002";

// A cluster in trouble: one node NotReady, one deployment short of
// replicas, one pod crash-looping, warning events old and new.
struct Cluster {
  test::FakeKubeApi api;
  test::FakeClock clock; // 2026-11-23T08:00:00Z
  NullLog log;
  Redactor redactor;
  std::unique_ptr<Config> config = std::make_unique<Config>(Config::parse("", "cfg.yaml", g_env, redactor));

  Cluster()
  {
    api.add_token(k_token, "ops");
    auto node = [&](const std::string& name, const std::string& ready, const std::string& reason) {
      api.put({{"apiVersion", "v1"},
               {"kind", "Node"},
               {"metadata", {{"name", name}}},
               {"status",
                {{"conditions",
                  {{{"type", "MemoryPressure"}, {"status", "False"}},
                   {{"type", "Ready"}, {"status", ready}, {"reason", reason}}}}}}});
    };
    node("node-1", "True", "KubeletReady");
    node("node-2", "Unknown", "NodeStatusUnknown");
    node("node-3", "True", "KubeletReady");
    auto deployment = [&](const std::string& name, long long replicas, long long available) {
      api.put({{"apiVersion", "apps/v1"},
               {"kind", "Deployment"},
               {"metadata", {{"name", name}, {"namespace", "credguard"}}},
               {"spec", {{"replicas", replicas}}},
               {"status", {{"replicas", replicas}, {"availableReplicas", available}}}});
    };
    deployment("scorer", 3, 1);
    deployment("gateway", 2, 2);
    deployment("paused", 0, 0);
    deployment("down", 2, 0); // status without availableReplicas: omitted zero
    auto pod = [&](const std::string& name, const std::string& waiting, long long restarts) {
      json state = waiting.empty() ? json{{"running", json::object()}} : json{{"waiting", {{"reason", waiting}}}};
      api.put({{"apiVersion", "v1"},
               {"kind", "Pod"},
               {"metadata", {{"name", name}, {"namespace", "credguard"}}},
               {"status",
                {{"phase", "Running"},
                 {"containerStatuses", {{{"name", "app"}, {"state", state}, {"restartCount", restarts}}}}}}});
    };
    pod("scorer-a", "", 0);
    pod("scorer-b", "CrashLoopBackOff", 17);
    pod("batch-c", "ContainerCreating", 0);
    auto event = [&](const std::string& name, const std::string& type, const std::string& reason,
                     const std::string& when, long long count) {
      api.put({{"apiVersion", "v1"},
               {"kind", "Event"},
               {"metadata", {{"name", name}, {"namespace", "credguard"}}},
               {"involvedObject", {{"kind", "Pod"}, {"name", "scorer-b"}, {"namespace", "credguard"}}},
               {"type", type},
               {"reason", reason},
               {"lastTimestamp", when},
               {"count", count}});
    };
    event("e1", "Warning", "BackOff", "2026-11-23T07:50:00Z", 12);
    event("e2", "Warning", "FailedScheduling", "2026-11-23T05:00:00Z", 3); // outside the hour
    event("e3", "Normal", "Pulled", "2026-11-23T07:55:00Z", 1);
  }

  class KubeClients final : public Clients {
  public:
    explicit KubeClients(k8s::Client* client)
      : m_client(client)
    {}
    http::Transport& http() override { throw Error(ErrorKind::internal, "no transport in this test"); }
    k8s::Client* kubernetes() override { return m_client; }

  private:
    k8s::Client* m_client;
  };

  std::vector<CheckResult> run(const std::string& checks, bool with_client = true)
  {
    k8s::ClusterAccess access;
    access.server = api.url();
    access.token = Secret(k_token);
    access.default_namespace = "credguard";
    auto client = std::make_unique<k8s::Client>(access, k8s::ClientOptions{}, g_env, clock, log, redactor);
    KubeClients clients(with_client ? client.get() : nullptr);
    auto runbook = parse_runbook("name: t\nchecks:\n" + checks, "rb.yaml", *config, Millis(10'000));
    validate_runbook(runbook, builtin_kinds());
    auto kinds = builtin_kinds();
    return run_runbook(runbook, kinds, EngineContext{*config, clock, log, clients}, {}).report.results;
  }
};

} // namespace

TEST_CASE("k8s_nodes names the nodes that are not Ready")
{
  Cluster cluster;
  auto results = cluster.run("  - {id: n, title: N, kind: k8s_nodes, threshold: {warn: 1, crit: 2}}\n");
  REQUIRE(results.size() == 1);
  CHECK(results[0].status == Status::warn);
  CHECK(results[0].value == 1);
  CHECK(results[0].detail == "1 of 3 nodes not Ready: node-2 (NodeStatusUnknown)");
  CHECK(results[0].data["not_ready"][0]["ready"] == "Unknown");
}

TEST_CASE("k8s_deployments names deployments short of available replicas, reading omitted zeros as 0")
{
  Cluster cluster;
  auto results = cluster.run("  - {id: d, title: D, kind: k8s_deployments, threshold: {warn: 1, crit: 1}}\n");
  REQUIRE(results.size() == 1);
  CHECK(results[0].status == Status::fail);
  CHECK(results[0].value == 2);
  CHECK(results[0].detail == "in credguard: down 0/2 available, scorer 1/3 available");
}

TEST_CASE("k8s_pods names crash-looping pods with their restart counts, in the namespace asked for")
{
  Cluster cluster;
  auto results = cluster.run("  - {id: p, title: P, kind: k8s_pods, threshold: {warn: 1, crit: 1}}\n");
  REQUIRE(results.size() == 1);
  CHECK(results[0].status == Status::fail);
  CHECK(results[0].detail == "in credguard: scorer-b (app, 17 restarts)");

  auto other =
      cluster.run("  - {id: p, title: P, kind: k8s_pods, params: {namespace: other}, threshold: {warn: 1, crit: 1}}\n");
  CHECK(other[0].status == Status::pass);
  CHECK(other[0].detail == "no pod of 0 in other is crash-looping");
  CHECK(cluster.api.requests().back().path == "/api/v1/namespaces/other/pods");
}

TEST_CASE("k8s_events counts Warning events within the window")
{
  Cluster cluster;
  auto results =
      cluster.run("  - {id: e, title: E, kind: k8s_events, params: {window: 1h}, threshold: {warn: 1, crit: 50}}\n");
  REQUIRE(results.size() == 1);
  CHECK(results[0].status == Status::warn);
  CHECK(results[0].value == 12);
  CHECK(results[0].detail == "in credguard within 1h: BackOff on Pod/scorer-b x12");
  CHECK(cluster.api.requests().back().param("fieldSelector") == "type=Warning");

  auto wide =
      cluster.run("  - {id: e, title: E, kind: k8s_events, params: {window: 6h}, threshold: {warn: 1, crit: 50}}\n");
  CHECK(wide[0].value == 15);
}

TEST_CASE("k8s_events counts a repeating event by its series: inside the window by lastObservedTime, else dropped")
{
  Cluster cluster;
  auto at = [](const char* text) { return parse_rfc3339(text).value(); };
  // First seen before the window, last a minute ago, 30 times: counted.
  cluster.api.put(test::series_event("s1", "credguard", "Pod", "scorer-c", "BackOff", at("2026-11-23T06:30:00Z"),
                                     at("2026-11-23T07:59:00Z"), 30));
  // Its last occurrence outside the window: dropped.
  cluster.api.put(test::series_event("s2", "credguard", "Pod", "batch-c", "FailedMount", at("2026-11-23T05:00:00Z"),
                                     at("2026-11-23T06:00:00Z"), 40));
  auto results =
      cluster.run("  - {id: e, title: E, kind: k8s_events, params: {window: 1h}, threshold: {warn: 1, crit: 50}}\n");
  REQUIRE(results.size() == 1);
  CHECK(results[0].value == 42);
  CHECK(results[0].detail == "in credguard within 1h: BackOff on Pod/scorer-c x30, BackOff on Pod/scorer-b x12");

  auto wide =
      cluster.run("  - {id: e, title: E, kind: k8s_events, params: {window: 6h}, threshold: {warn: 1, crit: 50}}\n");
  CHECK(wide[0].value == 85);
  CHECK(wide[0].status == Status::fail);
}

TEST_CASE("kubernetes kinds SKIP without credentials and are UNKNOWN when the API refuses them")
{
  Cluster cluster;
  auto skipped = cluster.run("  - {id: n, title: N, kind: k8s_nodes}\n", false);
  CHECK(skipped[0].status == Status::skip);
  CHECK(skipped[0].detail.find("kubernetes.kubeconfig") != std::string::npos);

  cluster.api.deny("ops", "list", "nodes");
  auto refused = cluster.run("  - {id: n, title: N, kind: k8s_nodes}\n");
  CHECK(refused[0].status == Status::unknown);
  CHECK(refused[0].detail.find("cannot list resource \"nodes\"") != std::string::npos);
  CHECK(refused[0].detail.find(k_token) == std::string::npos);
}

TEST_CASE("kubernetes kinds reject a malformed window when the runbook is loaded")
{
  Cluster cluster;
  CHECK_THROWS_WITH(cluster.run("  - {id: e, title: E, kind: k8s_events, params: {window: soon}}\n"),
                    Catch::Contains("rb.yaml:3: e.params.window"));
}
