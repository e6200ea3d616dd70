#include "fakes/fake_kube.hpp"
#include "harness.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace credguard;
using namespace credguard::test;

namespace {

constexpr const char* k_token = "fixture-k8s-cli-token-7731";

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

void healthy_cluster(FakeKubeApi& api)
{
  api.add_token(k_token, "ops");
  api.put({{"apiVersion", "v1"},
           {"kind", "Node"},
           {"metadata", {{"name", "node-1"}}},
           {"status", {{"conditions", {{{"type", "Ready"}, {"status", "True"}}}}}}});
  api.put({{"apiVersion", "apps/v1"},
           {"kind", "Deployment"},
           {"metadata", {{"name", "scorer"}, {"namespace", "credguard"}}},
           {"spec", {{"replicas", 2}}},
           {"status", {{"replicas", 2}, {"availableReplicas", 2}}}});
}

} // namespace

TEST_CASE("checklist: kubernetes checks SKIP when there is no kubeconfig, naming where to put one")
{
  CliHarness h;
  CHECK(h.run({"--output", "json", "checklist", "daily", "--only", "kubernetes"}) == 0);
  auto report = nlohmann::json::parse(h.out.str());
  REQUIRE(report["checks"].size() == 4);
  for (const auto& check : report["checks"]) {
    CHECK(check["status"] == "SKIP");
    CHECK(check["detail"].get<std::string>().find("$KUBECONFIG") != std::string::npos);
  }
}

TEST_CASE("checklist: kubernetes checks read the cluster named by $KUBECONFIG")
{
  CliHarness h;
  FakeKubeApi api;
  healthy_cluster(api);
  api.put({{"apiVersion", "v1"},
           {"kind", "Pod"},
           {"metadata", {{"name", "scorer-x"}, {"namespace", "credguard"}}},
           {"status",
            {{"containerStatuses",
              {{{"name", "app"}, {"restartCount", 9}, {"state", {{"waiting", {{"reason", "CrashLoopBackOff"}}}}}}}}}}});
  h.env.set("KUBECONFIG", h.home.write("kubeconfig", kubeconfig(api.url(), k_token)).string());
  int code = h.run({"--output", "json", "checklist", "daily", "--only", "kubernetes"});
  INFO(h.out.str() << h.err.str());
  CHECK(code == 2);
  auto report = nlohmann::json::parse(h.out.str());
  std::map<std::string, nlohmann::json> by_id;
  for (const auto& check : report["checks"]) {
    by_id[check["id"]] = check;
  }
  CHECK(by_id["k8s-nodes"]["status"] == "PASS");
  CHECK(by_id["k8s-deployments"]["status"] == "PASS");
  CHECK(by_id["k8s-crashloop"]["status"] == "FAIL");
  CHECK(by_id["k8s-crashloop"]["detail"] == "in credguard: scorer-x (app, 9 restarts)");
  CHECK(by_id["k8s-events"]["status"] == "PASS");
  CHECK(h.out.str().find(k_token) == std::string::npos);
  CHECK(h.err.str().find(k_token) == std::string::npos);

  // kubernetes.namespace overrides the context's namespace.
  h.env.set("CREDGUARD_KUBERNETES_NAMESPACE", "batch");
  CHECK(h.run({"checklist", "daily", "--only", "k8s-crashloop"}) == 0);
  CHECK(api.requests().back().path == "/api/v1/namespaces/batch/pods");

  CHECK(h.run({"journal", "export"}) == 0);
  CHECK(h.out.str().find("checklist.daily") != std::string::npos);
  CHECK(h.out.str().find(k_token) == std::string::npos);
}

TEST_CASE("checklist: unusable Kubernetes credentials make the checks UNKNOWN, naming the cause")
{
  CliHarness h;
  FakeKubeApi api;
  healthy_cluster(api);
  h.env.set("KUBECONFIG", h.home.write("kubeconfig", kubeconfig(api.url(), "fixture-revoked-token-1")).string());
  CHECK(h.run({"checklist", "daily", "--only", "k8s-nodes"}) == 3);
  CHECK(h.out.str().find("HTTP 401 Unauthorized") != std::string::npos);

  h.env.set("CREDGUARD_KUBERNETES_CONTEXT", "staging");
  CHECK(h.run({"checklist", "daily", "--only", "k8s-nodes"}) == 3);
  CHECK(h.out.str().find("context \"staging\" not found") != std::string::npos);
}
