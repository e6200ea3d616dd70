#include "kube_fixture.hpp"
#include "support/certs.hpp"

#include <credguard/core/time_format.hpp>

#include <sys/stat.h>

using namespace credguard;
using namespace credguard::test;

TEST_CASE("k8s client: resource paths for core and grouped APIs")
{
  CHECK(k8s::resource_path("v1", "nodes") == "/api/v1/nodes");
  CHECK(k8s::resource_path("v1", "pods", "credguard") == "/api/v1/namespaces/credguard/pods");
  CHECK(k8s::resource_path("apps/v1", "deployments", "credguard", "scorer", "scale") ==
        "/apis/apps/v1/namespaces/credguard/deployments/scorer/scale");
  CHECK(k8s::resource_path("batch/v1", "cronjobs", "ns", "a b") == "/apis/batch/v1/namespaces/ns/cronjobs/a%20b");
}

TEST_CASE("k8s client: get sends the bearer token and returns the object")
{
  KubeFixture f;
  f.deployment("scorer", 3, 3);
  auto client = f.client();
  auto object = client->get(k8s::resource_path("apps/v1", "deployments", "credguard", "scorer"));
  CHECK(object["metadata"]["name"] == "scorer");
  CHECK(object["spec"]["replicas"] == 3);
  auto request = f.api.requests().back();
  CHECK(request.header("Authorization") == std::string("Bearer ") + k_kube_token);
  CHECK(request.header("Accept") == "application/json");
  CHECK(client->default_namespace() == "credguard");
}

TEST_CASE("k8s client: list follows continue tokens across pages and passes selectors encoded")
{
  KubeFixture f;
  for (int i = 0; i < 5; ++i) {
    f.pod("scorer-" + std::to_string(i), "scorer");
  }
  f.pod("batch-0", "batch");
  f.pod("elsewhere", "scorer", "other");
  auto client = f.client();
  k8s::ListOptions options;
  options.label_selector = "app=scorer";
  options.page_size = 2;
  auto list = client->list(k8s::resource_path("v1", "pods", "credguard"), options);
  CHECK(list["kind"] == "PodList");
  REQUIRE(list["items"].size() == 5);
  CHECK(list["items"][4]["metadata"]["name"] == "scorer-4");
  CHECK_FALSE(list["metadata"].contains("continue"));
  auto requests = f.api.requests();
  REQUIRE(requests.size() == 3);
  CHECK(requests[0].query == "labelSelector=app%3Dscorer&limit=2");
  CHECK(requests[1].param("continue").has_value());

  options = {};
  options.field_selector = "metadata.name=batch-0";
  auto one = client->list(k8s::resource_path("v1", "pods", "credguard"), options);
  REQUIRE(one["items"].size() == 1);
  CHECK(one["items"][0]["metadata"]["name"] == "batch-0");
}

TEST_CASE("k8s client: an expired continue token restarts the list once, without pages")
{
  KubeFixture f;
  for (int i = 0; i < 4; ++i) {
    f.pod("p" + std::to_string(i), "scorer");
  }
  auto client = f.client();
  f.api.expire_continue_tokens();
  k8s::ListOptions options;
  options.page_size = 3;
  auto list = client->list(k8s::resource_path("v1", "pods", "credguard"), options);
  CHECK(list["items"].size() == 4);
  auto requests = f.api.requests();
  REQUIRE(requests.size() == 3);
  CHECK_FALSE(requests[2].param("limit").has_value());
}

TEST_CASE("k8s client: Status errors map to credguard error kinds")
{
  KubeFixture f;
  auto client = f.client();
  auto missing = error_from([&] { client->get(k8s::resource_path("apps/v1", "deployments", "credguard", "nope")); });
  CHECK(missing.kind() == ErrorKind::data);
  CHECK(std::string(missing.what()).find("deployments.apps \"nope\" not found") != std::string::npos);

  auto anonymous = f.client(f.access(""));
  auto forbidden = error_from([&] { anonymous->list(k8s::resource_path("v1", "pods", "credguard")); });
  CHECK(forbidden.kind() == ErrorKind::auth);
  CHECK(std::string(forbidden.what()).find("HTTP 403 Forbidden") != std::string::npos);
  CHECK(std::string(forbidden.what()).find("system:anonymous") != std::string::npos);

  auto bad = f.client(f.access("fixture-wrong-token-9"));
  auto refused = error_from([&] { bad->list(k8s::resource_path("v1", "nodes")); });
  CHECK(refused.kind() == ErrorKind::auth);
  CHECK(std::string(refused.what()).find("HTTP 401 Unauthorized") != std::string::npos);
  CHECK(std::string(refused.what()).find("fixture-wrong-token-9") == std::string::npos);

  f.api.deny("ops", "list", "nodes");
  auto rbac = error_from([&] { client->list(k8s::resource_path("v1", "nodes")); });
  CHECK(rbac.kind() == ErrorKind::auth);
  CHECK(std::string(rbac.what()).find("User \"ops\" cannot list resource \"nodes\"") != std::string::npos);

  auto selector = error_from([&] {
    client->list(k8s::resource_path("v1", "pods", "credguard"), k8s::ListOptions{"", "spec.color=red", 0});
  });
  CHECK(selector.kind() == ErrorKind::data);
  CHECK(std::string(selector.what()).find("field label not supported: spec.color") != std::string::npos);

  f.api.set_unavailable(true);
  auto down = error_from([&] { client->get(k8s::resource_path("v1", "nodes", "", "n1")); });
  CHECK(down.kind() == ErrorKind::unavailable);
  CHECK(f.api.requests().back().method == "GET");
}

TEST_CASE("k8s client: an unreachable server is unavailable, naming the endpoint")
{
  KubeFixture f;
  auto access = f.access();
  access.server = "http://127.0.0.1:1";
  auto client = f.client(access);
  auto error = error_from([&] { client->list(k8s::resource_path("v1", "nodes")); });
  CHECK(error.kind() == ErrorKind::unavailable);
  CHECK(std::string(error.what()).find("GET http://127.0.0.1:1/api/v1/nodes") != std::string::npos);
}

TEST_CASE("k8s client: a token file is read on each call, so rotated tokens are used")
{
  KubeFixture f;
  f.api.add_token("fixture-rotated-token-2", "ops");
  auto file = f.dir.write("token", std::string(k_kube_token) + "\n");
  auto access = f.access("");
  access.token_file = file.string();
  auto client = f.client(access);
  client->list(k8s::resource_path("v1", "nodes"));
  CHECK(f.api.requests().back().header("Authorization") == std::string("Bearer ") + k_kube_token);
  f.dir.write("token", "fixture-rotated-token-2");
  client->list(k8s::resource_path("v1", "nodes"));
  CHECK(f.api.requests().back().header("Authorization") == "Bearer fixture-rotated-token-2");
  CHECK(f.redactor.scrub("x fixture-rotated-token-2 y") == "x *** y");
}

TEST_CASE("k8s client: an exec plugin's token is cached until it expires, and refreshed after a 401")
{
  KubeFixture f;
  f.api.add_token("fixture-exec-token-1", "eks-user");
  auto counter = f.dir / "runs";
  auto script = f.dir.write("get-token", "#!/bin/sh\necho run >> '" + counter.string() +
                                             "'\necho '{\"kind\":\"ExecCredential\",\"apiVersion\":"
                                             "\"client.authentication.k8s.io/v1beta1\",\"status\":{"
                                             "\"expirationTimestamp\":\"2026-11-23T08:15:00Z\",\"token\":"
                                             "\"fixture-exec-token-1\"}}'\n");
  ::chmod(script.c_str(), 0755);
  auto access = f.access("");
  access.exec = k8s::ExecConfig{script.string(), {}, {}, "client.authentication.k8s.io/v1beta1", ""};
  auto client = f.client(access);
  auto runs = [&] {
    auto text = slurp(counter);
    return std::count(text.begin(), text.end(), '\n');
  };

  client->list(k8s::resource_path("v1", "nodes"));
  client->list(k8s::resource_path("v1", "nodes"));
  CHECK(runs() == 1);
  CHECK(f.api.requests().back().header("Authorization") == "Bearer fixture-exec-token-1");
  CHECK(f.redactor.scrub("fixture-exec-token-1") == "***");

  f.clock.advance(Millis(20 * 60 * 1000)); // past expirationTimestamp
  client->list(k8s::resource_path("v1", "nodes"));
  CHECK(runs() == 2);

  // A server that refuses the token: one refresh, then the 401 stands.
  FakeKubeApi other;
  auto before = runs();
  auto refused = access;
  refused.server = other.url();
  auto client2 = f.client(refused);
  auto error = error_from([&] { client2->list(k8s::resource_path("v1", "nodes")); });
  CHECK(error.kind() == ErrorKind::auth);
  CHECK(runs() == before + 2); // first use, then one refresh after the 401
}

TEST_CASE("k8s client: TLS with the kubeconfig's CA and a client certificate as the user")
{
  TestCa ca;
  auto server_cert = ca.issue("kube-apiserver", {"127.0.0.1"});
  auto client_cert = ca.issue_client("ops-cert-user");
  KubeFixture plain; // for the clock, log and redactor
  FakeKubeApi api(server_cert, ca.ca().cert_pem);
  api.put({{"apiVersion", "v1"}, {"kind", "Node"}, {"metadata", {{"name", "node-1"}}}});
  k8s::ClusterAccess access;
  access.server = api.url();
  access.ca_pem = ca.ca().cert_pem;
  access.client_cert_pem = client_cert.cert_pem;
  access.client_key_pem = Secret(client_cert.key_pem);
  auto client = plain.client(access);
  auto nodes = client->list(k8s::resource_path("v1", "nodes"));
  CHECK(nodes["items"].size() == 1);
  CHECK(api.requests().back().client_subject == "ops-cert-user");
  CHECK_FALSE(api.requests().back().header("Authorization").has_value());

  TestCa other;
  access.ca_pem = other.ca().cert_pem; // the wrong CA: the server is not trusted
  auto untrusted = plain.client(access);
  auto error = error_from([&] { untrusted->list(k8s::resource_path("v1", "nodes")); });
  CHECK(error.kind() == ErrorKind::unavailable);
  CHECK(error.hint().find("certificate-authority") != std::string::npos);
}

TEST_CASE("k8s client: an answer of an unexpected shape reads as absent fields, never as an internal error")
{
  // Found by tests/fuzz/k8s_json: value() on a string threw json type_error (exit 70).
  test::HttpServer server([](const test::HttpRequest& request) {
    if (request.path == "/apis/batch") {
      return test::HttpResponse::json(200, R"({"kind":"APIGroup","versions":"batch/v1"})");
    }
    if (request.path.ends_with("/scale")) {
      return test::HttpResponse::json(200, R"({"spec":"x","status":[2],"metadata":"m"})");
    }
    return test::HttpResponse::json(200, R"({"kind":"PodList","items":[{"a":1}],"metadata":"m"})");
  });
  KubeFixture f;
  auto access = f.access();
  access.server = server.url();
  auto client = f.client(access);
  auto scale = client->get_scale("/apis/apps/v1/namespaces/credguard/deployments/scorer");
  CHECK(scale.replicas == 0);
  CHECK(scale.resource_version.empty());
  CHECK(client->list("/api/v1/namespaces/credguard/pods")["items"].size() == 1);
  try {
    client->batch_version();
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::data);
    CHECK(std::string(e.what()).find("serves no CronJob API") != std::string::npos);
  }
}
