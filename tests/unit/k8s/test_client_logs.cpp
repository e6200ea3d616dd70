// The pod log subresource through the client, against the fake API server.
#include "kube_fixture.hpp"

using namespace credguard;
using namespace credguard::test;

namespace {

// A pod running on `node` (none: never scheduled).
void bot_pod(FakeKubeApi& api, const std::string& name, std::vector<std::string> containers,
             const std::string& node = "node-1")
{
  nlohmann::json list = nlohmann::json::array();
  for (const auto& c : containers) {
    list.push_back({{"name", c}, {"image", "bot:1"}});
  }
  nlohmann::json spec = {{"containers", list}};
  if (!node.empty()) {
    spec["nodeName"] = node;
  }
  api.put({{"apiVersion", "v1"},
           {"kind", "Pod"},
           {"metadata", {{"name", name}, {"namespace", "monitoring"}, {"labels", {{"app", "incident-bot"}}}}},
           {"spec", spec}});
}

} // namespace

TEST_CASE("k8s pod log: text/plain lines with container, sinceSeconds, tailLines and timestamps")
{
  KubeFixture f;
  bot_pod(f.api, "bot-1", {"bot"});
  auto now = std::chrono::system_clock::now();
  f.api.add_log_line("monitoring", "bot-1", "bot", now - std::chrono::hours(2), "old line");
  f.api.add_log_line("monitoring", "bot-1", "bot", now - std::chrono::seconds(30), "line 2");
  f.api.add_log_line("monitoring", "bot-1", "bot", now - std::chrono::seconds(10), "line 3");
  auto client = f.client();

  CHECK(client->pod_log("monitoring", "bot-1") == "old line\nline 2\nline 3\n");
  k8s::LogOptions recent;
  recent.since_seconds = 3600;
  CHECK(client->pod_log("monitoring", "bot-1", recent) == "line 2\nline 3\n");
  k8s::LogOptions tail;
  tail.tail_lines = 1;
  tail.container = "bot";
  tail.timestamps = true;
  auto text = client->pod_log("monitoring", "bot-1", tail).value();
  CHECK(text.ends_with("Z line 3\n"));
  CHECK(text.size() == std::string("2026-11-23T08:00:00.123456789Z line 3\n").size());
  auto sent = f.api.requests().back();
  CHECK(sent.path == "/api/v1/namespaces/monitoring/pods/bot-1/log");
  CHECK(sent.param("container") == "bot");
  CHECK(sent.param("tailLines") == "1");
  CHECK(sent.param("timestamps") == "true");
  CHECK(sent.header("Accept").value_or("").starts_with("text/plain"));
}

TEST_CASE("k8s pod log: a missing pod is 404, a wrong or missing container 400, all naming the path")
{
  KubeFixture f;
  bot_pod(f.api, "bot-2", {"bot", "sidecar"});
  auto client = f.client();

  auto missing = error_from([&] { client->pod_log("monitoring", "nope"); });
  CHECK(missing.kind() == ErrorKind::data);
  CHECK(std::string(missing.what()).find("pods \"nope\" not found") != std::string::npos);

  auto wrong = error_from([&] {
    k8s::LogOptions o;
    o.container = "ghost";
    client->pod_log("monitoring", "bot-2", o);
  });
  CHECK(wrong.kind() == ErrorKind::data);
  CHECK(std::string(wrong.what()).find("container ghost is not valid for pod bot-2") != std::string::npos);
  CHECK(std::string(wrong.what()).find("/pods/bot-2/log") != std::string::npos);

  auto unnamed = error_from([&] { client->pod_log("monitoring", "bot-2"); });
  CHECK(std::string(unnamed.what()).find("choose one of: [bot sidecar]") != std::string::npos);
}

TEST_CASE("k8s pod log: RBAC on pods/log is 403 auth, an unknown token 401")
{
  KubeFixture f;
  bot_pod(f.api, "bot-1", {"bot"});
  f.api.deny("ops", "get", "pods/log");
  auto client = f.client();
  auto denied = error_from([&] { client->pod_log("monitoring", "bot-1"); });
  CHECK(denied.kind() == ErrorKind::auth);
  CHECK(std::string(denied.what()).find("cannot get resource \"pods/log\"") != std::string::npos);
  CHECK(client->get(k8s::resource_path("v1", "pods", "monitoring", "bot-1"))["metadata"]["name"] == "bot-1");

  auto stranger = f.client(f.access("fixture-k8s-token-unknown"));
  CHECK(error_from([&] { stranger->pod_log("monitoring", "bot-1"); }).kind() == ErrorKind::auth);
}

TEST_CASE("k8s pod log: a pod never scheduled has no log (204, nullopt), a node without addresses is unavailable")
{
  KubeFixture f;
  bot_pod(f.api, "bot-pending", {"bot"}, "");
  bot_pod(f.api, "bot-lost", {"bot"}, "node-9");
  bot_pod(f.api, "bot-quiet", {"bot"});
  f.api.put({{"apiVersion", "v1"},
             {"kind", "Node"},
             {"metadata", {{"name", "node-9"}}},
             {"status", nlohmann::json::object()}});
  auto client = f.client();

  CHECK_FALSE(client->pod_log("monitoring", "bot-pending").has_value());
  CHECK(f.api.requests().back().path == "/api/v1/namespaces/monitoring/pods/bot-pending/log");
  CHECK(client->pod_log("monitoring", "bot-quiet") == std::string()); // scheduled, nothing written yet

  auto lost = error_from([&] { client->pod_log("monitoring", "bot-lost"); });
  CHECK(lost.kind() == ErrorKind::unavailable);
  CHECK(std::string(lost.what()).find("HTTP 500: no preferred addresses found; known addresses: []") !=
        std::string::npos);

  // PROTOCOL-NOTES: an unreachable kubelet is a 500 too.
  f.api.put({{"apiVersion", "v1"},
             {"kind", "Node"},
             {"metadata", {{"name", "node-1"}}},
             {"status", {{"addresses", {{{"type", "InternalIP"}, {"address", "10.0.0.7"}}}}}}});
  CHECK(client->pod_log("monitoring", "bot-quiet") == std::string());
  f.api.kubelet_unreachable("node-1");
  auto refused = error_from([&] { client->pod_log("monitoring", "bot-quiet"); });
  CHECK(refused.kind() == ErrorKind::unavailable);
  CHECK(std::string(refused.what()).find("dial tcp 10.0.0.7:10250: connect: connection refused") != std::string::npos);
}
