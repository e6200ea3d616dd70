#pragma once

#include "fakes/fake_kube.hpp"
#include "support/fake_clock.hpp"
#include "support/temp_dir.hpp"

#include <credguard/core/error.hpp>
#include <credguard/k8s/client.hpp>

#include <catch2/catch.hpp>

namespace credguard::test {

inline constexpr const char* k_kube_token = "fixture-k8s-token-0001";

// A fake API server with one valid token, and clients of it.
struct KubeFixture {
  FakeKubeApi api;
  Redactor redactor;
  NullLog log;
  FakeClock clock;
  MapEnv env{std::map<std::string, std::string>{{"PATH", "/usr/bin:/bin"}}};
  TempDir dir;

  KubeFixture() { api.add_token(k_kube_token, "ops"); }

  k8s::ClusterAccess access(const std::string& token = k_kube_token) const
  {
    k8s::ClusterAccess a;
    a.server = api.url();
    a.token = Secret(token);
    a.default_namespace = "credguard";
    a.source = "test";
    return a;
  }

  std::unique_ptr<k8s::Client> client(k8s::ClusterAccess a)
  {
    k8s::ClientOptions options;
    options.transport.retry.random = [] { return 0.5; };
    options.transport.timeout = Millis(10'000);
    return std::make_unique<k8s::Client>(std::move(a), std::move(options), env, clock, log, redactor);
  }
  std::unique_ptr<k8s::Client> client() { return client(access()); }

  nlohmann::json deployment(const std::string& name, long long replicas, long long available)
  {
    return api.put({{"apiVersion", "apps/v1"},
                    {"kind", "Deployment"},
                    {"metadata", {{"name", name}, {"namespace", "credguard"}, {"labels", {{"app", name}}}}},
                    {"spec", {{"replicas", replicas}, {"selector", {{"matchLabels", {{"app", name}}}}}}},
                    {"status",
                     {{"replicas", replicas},
                      {"updatedReplicas", replicas},
                      {"readyReplicas", available},
                      {"availableReplicas", available}}}});
  }

  nlohmann::json pod(const std::string& name, const std::string& app, const std::string& ns = "credguard")
  {
    return api.put({{"apiVersion", "v1"},
                    {"kind", "Pod"},
                    {"metadata", {{"name", name}, {"namespace", ns}, {"labels", {{"app", app}}}}},
                    {"spec", {{"nodeName", "node-1"}}},
                    {"status", {{"phase", "Running"}}}});
  }
};

// The Error an action throws; fails the test when it throws none.
inline Error error_from(const std::function<void()>& action)
{
  try {
    action();
  } catch (const Error& e) {
    return e;
  }
  FAIL("expected a credguard::Error");
  return Error(ErrorKind::internal, "");
}

} // namespace credguard::test
