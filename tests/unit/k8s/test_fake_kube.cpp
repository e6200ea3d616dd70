// The fake API server itself must answer as the real one does: these tests
// pin the shapes the clients rely on (see PROTOCOL-NOTES.md).
#include "kube_fixture.hpp"

#include <credguard/core/time_format.hpp>
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

  // Without a Content-Type: curl would add its form default, so the header
  // goes out empty, which servers read as absent.
  http::Response send_untyped(const std::string& method, const std::string& path, const std::string& body)
  {
    http::Request request;
    request.method = method;
    request.url = f.api.url() + path;
    request.body = body;
    request.header("Content-Type", "");
    request.header("Authorization", std::string("Bearer ") + k_kube_token);
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

TEST_CASE("fake kube: errors for wrong content types, unknown paths and bad creates, PUT without resourceVersion")
{
  Raw raw;
  raw.f.deployment("scorer", 1, 1);
  auto path = "/apis/apps/v1/namespaces/credguard/deployments/scorer";
  // PROTOCOL-NOTES: a wrong Content-Type is 415 with this message.
  auto wrong_type = raw.send("PATCH", path, "{}", "application/json");
  CHECK(wrong_type.status == 415);
  CHECK(status_of(wrong_type)["reason"] == "UnsupportedMediaType");
  CHECK(status_of(wrong_type)["message"] == "415: Unsupported Media Type");
  auto yaml_post = raw.send("POST", "/api/v1/namespaces/credguard/configmaps", "{}", "text/plain");
  CHECK(yaml_post.status == 415);
  CHECK(status_of(yaml_post)["message"] == "415: Unsupported Media Type");

  auto unknown = raw.send("GET", "/apis/batch/v1/namespaces/credguard/cronjobs"); // 1.20: jobs only
  CHECK(unknown.status == 404);
  CHECK(status_of(unknown)["message"] == "the server could not find the requested resource");

  // PROTOCOL-NOTES: a PUT without metadata.resourceVersion is an unconditional update.
  auto deployment = nlohmann::json::parse(raw.send("GET", path).body);
  deployment["metadata"].erase("resourceVersion");
  deployment["spec"]["replicas"] = 3;
  auto unconditional = raw.send("PUT", path, deployment.dump(), "application/json");
  CHECK(unconditional.status == 200);
  CHECK(raw.f.api.get("deployments", "credguard", "scorer").value()["spec"]["replicas"] == 3);
  auto stale = nlohmann::json::parse(unconditional.body);
  stale["metadata"]["resourceVersion"] = "1";
  CHECK(raw.send("PUT", path, stale.dump(), "application/json").status == 409);

  auto nameless = raw.send("POST", "/api/v1/namespaces/credguard/events", R"({"metadata":{}})", "application/json");
  CHECK(nameless.status == 422);
  CHECK(status_of(nameless)["reason"] == "Invalid");
  auto elsewhere = raw.send("POST", "/api/v1/namespaces/credguard/events",
                            R"({"metadata":{"name":"e","namespace":"other"}})", "application/json");
  CHECK(elsewhere.status == 400);
}

TEST_CASE("fake kube: a POST or PATCH without Content-Type is taken as JSON")
{
  Raw raw;
  auto created = raw.send_untyped("POST", "/api/v1/namespaces/credguard/configmaps",
                                  R"({"metadata":{"name":"plain"},"data":{"a":"1"}})");
  CHECK(created.status == 201);
  CHECK(raw.f.api.requests().back().header("Content-Type").value_or("") == "");
  auto patched = raw.send_untyped("PATCH", "/api/v1/namespaces/credguard/configmaps/plain", R"({"data":{"b":"2"}})");
  CHECK(patched.status == 200);
  CHECK(raw.f.api.get("configmaps", "credguard", "plain").value()["data"] == nlohmann::json{{"a", "1"}, {"b", "2"}});
}

TEST_CASE("fake kube: batch discovery as 1.20 (CronJobs in batch/v1beta1 only) and as 1.25 (batch/v1 only)")
{
  Raw raw; // 1.20 by default: the release PROTOCOL-NOTES were taken from
  auto group = nlohmann::json::parse(raw.send("GET", "/apis/batch").body);
  CHECK(group["kind"] == "APIGroup");
  REQUIRE(group["versions"].size() == 2);
  CHECK(group["versions"][0]["groupVersion"] == "batch/v1");
  CHECK(group["versions"][1]["groupVersion"] == "batch/v1beta1");
  CHECK(group["preferredVersion"]["version"] == "v1");
  auto names = [&](const std::string& path) {
    std::vector<std::string> out;
    auto list = nlohmann::json::parse(raw.send("GET", path).body);
    CHECK(list["kind"] == "APIResourceList");
    for (const auto& resource : list["resources"]) {
      out.push_back(resource["name"]);
    }
    return out;
  };
  CHECK(names("/apis/batch/v1") == std::vector<std::string>{"jobs", "jobs/status"});
  CHECK(names("/apis/batch/v1beta1") == std::vector<std::string>{"cronjobs", "cronjobs/status"});
  raw.f.api.put(model_cronjob("nightly", "credguard", "credit-score", false));
  auto old = nlohmann::json::parse(raw.send("GET", "/apis/batch/v1beta1/namespaces/credguard/cronjobs/nightly").body);
  CHECK(old["apiVersion"] == "batch/v1beta1");
  // PROTOCOL-NOTES, zero values: suspend: false is present.
  CHECK(old["spec"]["suspend"] == false);
  CHECK(raw.send("GET", "/apis/batch", "", "", false).status == 403);

  raw.f.api.serve_as(KubeRelease::v1_25);
  group = nlohmann::json::parse(raw.send("GET", "/apis/batch").body);
  REQUIRE(group["versions"].size() == 1);
  CHECK(group["versions"][0]["groupVersion"] == "batch/v1");
  CHECK(names("/apis/batch/v1") == std::vector<std::string>{"cronjobs", "cronjobs/status", "jobs", "jobs/status"});
  CHECK(raw.send("GET", "/apis/batch/v1beta1").status == 404);
  CHECK(raw.send("GET", "/apis/batch/v1beta1/namespaces/credguard/cronjobs").status == 404);
  CHECK(raw.send("GET", "/apis/batch/v1/namespaces/credguard/cronjobs/nightly").status == 200);
}

TEST_CASE("fake kube: defaults as the server writes them: spec.replicas, eventTime null, reportingComponent empty")
{
  Raw raw;
  raw.f.api.put({{"apiVersion", "apps/v1"},
                 {"kind", "Deployment"},
                 {"metadata", {{"name", "plain"}, {"namespace", "credguard"}}},
                 {"spec", nlohmann::json::object()}});
  auto deployment = nlohmann::json::parse(raw.send("GET", "/apis/apps/v1/namespaces/credguard/deployments/plain").body);
  CHECK(deployment["spec"]["replicas"] == 1);

  auto posted = raw.send("POST", "/api/v1/namespaces/credguard/events",
                         R"({"metadata":{"name":"e1"},"reason":"Tested","involvedObject":{"kind":"Pod","name":"p"}})",
                         "application/json");
  REQUIRE(posted.status == 201);
  auto event = nlohmann::json::parse(posted.body);
  CHECK(event["eventTime"].is_null());
  CHECK(event["reportingComponent"] == "");
  CHECK_FALSE(event.contains("series"));

  auto now = std::chrono::system_clock::now();
  raw.f.api.put(series_event("backoff", "credguard", "Pod", "p", "BackOff", now - std::chrono::minutes(50),
                             now - std::chrono::minutes(1), 30));
  auto listed =
      nlohmann::json::parse(raw.send("GET", "/api/v1/namespaces/credguard/events?fieldSelector=reason%3DBackOff").body);
  REQUIRE(listed["items"].size() == 1);
  const auto& repeated = listed["items"][0];
  CHECK_FALSE(repeated.contains("count"));
  CHECK(repeated["lastTimestamp"].is_null());
  CHECK(repeated["series"]["count"] == 30);
  CHECK(parse_rfc3339(repeated["eventTime"].get<std::string>()).has_value());
  CHECK(parse_rfc3339(repeated["series"]["lastObservedTime"].get<std::string>()).has_value());
}

TEST_CASE("fake kube: an expired continue token is 410 with metadata.continue, a garbage one 400")
{
  Raw raw;
  for (int i = 0; i < 3; ++i) {
    raw.f.pod("p" + std::to_string(i), "scorer");
  }
  auto first = nlohmann::json::parse(raw.send("GET", "/api/v1/namespaces/credguard/pods?limit=1").body);
  std::string token = first["metadata"]["continue"];
  raw.f.api.expire_continue_tokens();
  auto expired = raw.send("GET", "/api/v1/namespaces/credguard/pods?limit=1&continue=" + token);
  CHECK(expired.status == 410);
  auto status = status_of(expired);
  CHECK(status["reason"] == "Expired");
  std::string fresh = status["metadata"]["continue"];
  CHECK_FALSE(fresh.empty());
  // The token of the 410 continues (inconsistently) where the old one stopped.
  auto rest = nlohmann::json::parse(raw.send("GET", "/api/v1/namespaces/credguard/pods?continue=" + fresh).body);
  REQUIRE(rest["items"].size() == 2);
  CHECK(rest["items"][0]["metadata"]["name"] == "p1");

  auto garbage = raw.send("GET", "/api/v1/namespaces/credguard/pods?limit=1&continue=zz");
  CHECK(garbage.status == 400);
  CHECK(status_of(garbage)["message"] == "invalid continue token");
}

TEST_CASE("fake kube: pod logs: 204 for a pod never scheduled, 500 Status without reason for a node without addresses")
{
  Raw raw;
  raw.f.api.put({{"apiVersion", "v1"},
                 {"kind", "Pod"},
                 {"metadata", {{"name", "pending"}, {"namespace", "credguard"}}},
                 {"spec", {{"containers", {{{"name", "c"}}}}}},
                 {"status", {{"phase", "Pending"}}}});
  auto none = raw.send("GET", "/api/v1/namespaces/credguard/pods/pending/log");
  CHECK(none.status == 204);
  CHECK(none.body.empty());

  raw.f.api.put({{"apiVersion", "v1"}, {"kind", "Node"}, {"metadata", {{"name", "bare"}}}});
  raw.f.api.put({{"apiVersion", "v1"},
                 {"kind", "Pod"},
                 {"metadata", {{"name", "stranded"}, {"namespace", "credguard"}}},
                 {"spec", {{"nodeName", "bare"}, {"containers", {{{"name", "c"}}}}}},
                 {"status", {{"phase", "Running"}}}});
  auto stranded = raw.send("GET", "/api/v1/namespaces/credguard/pods/stranded/log");
  CHECK(stranded.status == 500);
  auto status = status_of(stranded);
  CHECK_FALSE(status.contains("reason"));
  CHECK(status["message"] == "no preferred addresses found; known addresses: []");
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
