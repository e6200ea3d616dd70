// The fake API server itself must answer as the real one does: these tests
// pin the shapes the clients rely on (see PROTOCOL-NOTES.md).
#include "kube_fixture.hpp"

#include <credguard/http/transport.hpp>

using namespace credguard;
using namespace credguard::test;

namespace {

struct Raw {
  KubeFixture f;
  std::unique_ptr<http::Transport> transport = http::make_curl_transport({}, f.clock, f.log);

  http::Response send(const std::string& method, const std::string& path, const std::string& body = {},
                      const std::string& type = {}, bool auth = true)
  {
    http::Request request;
    request.method = method;
    request.url = f.api.url() + path;
    request.body = body;
    if (!type.empty()) {
      request.header("Content-Type", type);
    }
    if (auth) {
      request.header("Authorization", std::string("Bearer ") + k_kube_token);
    }
    return transport->perform(request);
  }
};

nlohmann::json status_of(const http::Response& response)
{
  auto body = nlohmann::json::parse(response.body);
  CHECK(body["kind"] == "Status");
  CHECK(body["apiVersion"] == "v1");
  CHECK(body["status"] == "Failure");
  CHECK(body["code"] == response.status);
  return body;
}

} // namespace

TEST_CASE("fake kube: no credentials is 403 for system:anonymous, a bad token 401")
{
  Raw raw;
  auto anonymous = raw.send("GET", "/api/v1/namespaces/credguard/pods", "", "", false);
  CHECK(anonymous.status == 403);
  CHECK(status_of(anonymous)["message"] ==
        "pods is forbidden: User \"system:anonymous\" cannot list resource \"pods\" in API group \"\" in the "
        "namespace \"credguard\"");

  http::Request bad;
  bad.url = raw.f.api.url() + "/api/v1/nodes";
  bad.header("Authorization", "Bearer nope");
  auto refused = raw.transport->perform(bad);
  CHECK(refused.status == 401);
  CHECK(status_of(refused)["reason"] == "Unauthorized");
}

TEST_CASE("fake kube: lists carry kind, apiVersion, resourceVersion and bare items")
{
  Raw raw;
  raw.f.deployment("scorer", 2, 1);
  auto response = raw.send("GET", "/apis/apps/v1/namespaces/credguard/deployments");
  REQUIRE(response.status == 200);
  auto list = nlohmann::json::parse(response.body);
  CHECK(list["kind"] == "DeploymentList");
  CHECK(list["apiVersion"] == "apps/v1");
  CHECK_FALSE(list["metadata"]["resourceVersion"].get<std::string>().empty());
  REQUIRE(list["items"].size() == 1);
  CHECK_FALSE(list["items"][0].contains("kind"));
  CHECK(list["items"][0]["status"]["availableReplicas"] == 1);

  auto paged = nlohmann::json::parse(raw.send("GET", "/apis/apps/v1/deployments?limit=1").body);
  CHECK_FALSE(paged["metadata"].contains("continue")); // one item: no further page
}

TEST_CASE("fake kube: zero fields are omitted, as the API server does")
{
  Raw raw;
  raw.f.deployment("idle", 0, 0);
  auto deployment = nlohmann::json::parse(raw.send("GET", "/apis/apps/v1/namespaces/credguard/deployments/idle").body);
  CHECK(deployment["spec"]["replicas"] == 0); // a pointer field: kept
  CHECK_FALSE(deployment["status"].contains("availableReplicas"));
  CHECK_FALSE(deployment["status"].contains("replicas"));
  auto scale = nlohmann::json::parse(raw.send("GET", "/apis/apps/v1/namespaces/credguard/deployments/idle/scale").body);
  CHECK(scale["kind"] == "Scale");
  CHECK(scale["apiVersion"] == "autoscaling/v1");
  CHECK(scale["spec"] == nlohmann::json::object());
  CHECK(scale["status"]["replicas"] == 0);
}

TEST_CASE("fake kube: errors for wrong content types, unknown paths, unconditional PUTs and bad creates")
{
  Raw raw;
  raw.f.deployment("scorer", 1, 1);
  auto path = "/apis/apps/v1/namespaces/credguard/deployments/scorer";
  auto wrong_type = raw.send("PATCH", path, "{}", "application/json");
  CHECK(wrong_type.status == 415);
  CHECK(status_of(wrong_type)["reason"] == "UnsupportedMediaType");

  auto unknown = raw.send("GET", "/apis/batch/v1beta1/namespaces/credguard/cronjobs");
  CHECK(unknown.status == 404);
  CHECK(status_of(unknown)["message"] == "the server could not find the requested resource");

  auto deployment = nlohmann::json::parse(raw.send("GET", path).body);
  deployment["metadata"].erase("resourceVersion");
  auto unconditional = raw.send("PUT", path, deployment.dump(), "application/json");
  CHECK(unconditional.status == 422);

  auto nameless = raw.send("POST", "/api/v1/namespaces/credguard/events", R"({"metadata":{}})", "application/json");
  CHECK(nameless.status == 422);
  CHECK(status_of(nameless)["reason"] == "Invalid");
  auto elsewhere = raw.send("POST", "/api/v1/namespaces/credguard/events",
                            R"({"metadata":{"name":"e","namespace":"other"}})", "application/json");
  CHECK(elsewhere.status == 400);

  auto group = nlohmann::json::parse(raw.send("GET", "/apis/batch").body);
  CHECK(group["kind"] == "APIGroup");
  CHECK(group["versions"][0]["groupVersion"] == "batch/v1");
  CHECK(group["preferredVersion"]["version"] == "v1");
}

TEST_CASE("fake kube: label selectors support equality, sets and existence")
{
  Raw raw;
  raw.f.pod("a", "scorer");
  raw.f.pod("b", "batch");
  raw.f.api.put({{"apiVersion", "v1"},
                 {"kind", "Pod"},
                 {"metadata", {{"name", "c"}, {"namespace", "credguard"}}},
                 {"status", {{"phase", "Failed"}}}});
  auto names = [&](const std::string& query) {
    std::vector<std::string> out;
    auto list = nlohmann::json::parse(raw.send("GET", "/api/v1/namespaces/credguard/pods?" + query).body);
    for (const auto& item : list["items"]) {
      out.push_back(item["metadata"]["name"]);
    }
    return out;
  };
  CHECK(names("labelSelector=app%3Dscorer") == std::vector<std::string>{"a"});
  CHECK(names("labelSelector=app%21%3Dscorer") == std::vector<std::string>{"b", "c"});
  CHECK(names("labelSelector=app%20in%20(scorer,batch)") == std::vector<std::string>{"a", "b"});
  CHECK(names("labelSelector=%21app") == std::vector<std::string>{"c"});
  CHECK(names("labelSelector=app") == std::vector<std::string>{"a", "b"});
  CHECK(names("fieldSelector=status.phase%3DFailed") == std::vector<std::string>{"c"});
  auto bad = raw.send("GET", "/api/v1/namespaces/credguard/pods?labelSelector=app%20in%20scorer");
  CHECK(bad.status == 400);
}
