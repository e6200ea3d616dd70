#include "support/temp_dir.hpp"

#include <credguard/core/error.hpp>
#include <credguard/k8s/kubeconfig.hpp>

#include <catch2/catch.hpp>

using namespace credguard;
using namespace credguard::k8s;

namespace {

std::string error_of(const std::function<void()>& action)
{
  try {
    action();
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::config);
    return e.what();
  }
  FAIL("expected Error(config)");
  return "";
}

// base64 of "-----BEGIN CERTIFICATE-----\nCA\n"
constexpr const char* k_ca_data = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCkNBCg==";

constexpr const char* k_kubeconfig = R"(apiVersion: v1
kind: Config
current-context: prod
clusters:
- name: prod-cluster
  cluster:
    server: https://prod.example:6443/
    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCkNBCg==
- name: lab-cluster
  cluster:
    server: https://lab.example:6443
    insecure-skip-tls-verify: true
contexts:
- name: prod
  context: {cluster: prod-cluster, user: ops, namespace: credguard}
- name: lab
  context: {cluster: lab-cluster, user: lab-user}
- name: eks
  context: {cluster: prod-cluster, user: eks-user}
users:
- name: ops
  user: {token: fixture-token-ops}
- name: lab-user
  user:
    client-certificate: certs/client.crt
    client-key: certs/client.key
- name: eks-user
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: aws
      args: [eks, get-token, --cluster-name, prod]
      env: [{name: AWS_PROFILE, value: ops}]
      installHint: install the AWS CLI
)";

} // namespace

TEST_CASE("kubeconfig: current-context picks cluster, user and namespace, -data fields are decoded")
{
  test::TempDir dir;
  auto file = dir.write("config", k_kubeconfig);
  auto access = load_kubeconfig({file}, "");
  CHECK(access.server == "https://prod.example:6443");
  CHECK(access.ca_pem == "-----BEGIN CERTIFICATE-----\nCA\n");
  CHECK(access.token.reveal() == "fixture-token-ops");
  CHECK(access.default_namespace == "credguard");
  CHECK_FALSE(access.insecure);
  CHECK(access.source == "kubeconfig " + file.string() + ", context prod");
  CHECK(decode_base64(k_ca_data, "x") == access.ca_pem);
}

TEST_CASE("kubeconfig: a named context wins, certificate files resolve next to the kubeconfig")
{
  test::TempDir dir;
  auto file = dir.write("config", k_kubeconfig);
  std::filesystem::create_directories(dir / "certs");
  dir.write("certs/client.crt", "CERT");
  dir.write("certs/client.key", "KEY");
  auto access = load_kubeconfig({file}, "lab");
  CHECK(access.server == "https://lab.example:6443");
  CHECK(access.insecure);
  CHECK(access.client_cert_pem == "CERT");
  CHECK(access.client_key_pem.reveal() == "KEY");
  CHECK(access.token.empty());
  CHECK(access.default_namespace.empty());
}

TEST_CASE("kubeconfig: an exec plugin keeps its command, args and env")
{
  test::TempDir dir;
  auto access = load_kubeconfig({dir.write("config", k_kubeconfig)}, "eks");
  REQUIRE(access.exec);
  CHECK(access.exec->command == "aws");
  CHECK(access.exec->args == std::vector<std::string>{"eks", "get-token", "--cluster-name", "prod"});
  REQUIRE(access.exec->env.size() == 1);
  CHECK(access.exec->env[0] == std::pair<std::string, std::string>{"AWS_PROFILE", "ops"});
  CHECK(access.exec->api_version == "client.authentication.k8s.io/v1beta1");
  CHECK(access.exec->install_hint == "install the AWS CLI");
}

TEST_CASE("kubeconfig: errors name the file and what is missing")
{
  test::TempDir dir;
  auto file = dir.write("config", k_kubeconfig);
  CHECK(error_of([&] { load_kubeconfig({file}, "staging"); }).find("context \"staging\" not found") !=
        std::string::npos);
  CHECK(error_of([&] { load_kubeconfig({file}, "lab"); }).find("certs/client.crt") != std::string::npos);

  auto broken = dir.write("broken", "clusters: [\n");
  CHECK(error_of([&] { load_kubeconfig({broken}, ""); }).find(broken.string() + ":") != std::string::npos);

  auto no_current = dir.write("nocurrent", "apiVersion: v1\nkind: Config\nclusters: []\n");
  CHECK(error_of([&] { load_kubeconfig({no_current}, ""); }).find("no current-context") != std::string::npos);

  auto old_exec = dir.write("old", "current-context: c\ncontexts: [{name: c, context: {cluster: k, user: u}}]\n"
                                   "clusters: [{name: k, cluster: {server: 'https://k'}}]\n"
                                   "users: [{name: u, user: {exec: {apiVersion: "
                                   "client.authentication.k8s.io/v1alpha1, command: x}}}]\n");
  CHECK(error_of([&] { load_kubeconfig({old_exec}, ""); }).find("v1alpha1") != std::string::npos);

  auto provider = dir.write("provider", "current-context: c\ncontexts: [{name: c, context: {cluster: k, user: u}}]\n"
                                        "clusters: [{name: k, cluster: {server: 'https://k'}}]\n"
                                        "users: [{name: u, user: {auth-provider: {name: gcp}}}]\n");
  CHECK(error_of([&] { load_kubeconfig({provider}, ""); }).find("auth-provider") != std::string::npos);
  CHECK(error_of([&] { decode_base64("abc$", "certificate-authority-data"); }).find("certificate-authority-data") !=
        std::string::npos);
}

TEST_CASE("kubeconfig: entries of the wrong shape are config errors naming the file and key, not internal ones")
{
  // Each of these made yaml-cpp throw from a subscript or a conversion
  // (exit 70) before the shape was checked.
  test::TempDir dir;
  auto with_exec = [&](const std::string& name, const std::string& exec) {
    return dir.write(name, "current-context: c\ncontexts: [{name: c, context: {cluster: k, user: u}}]\n"
                           "clusters: [{name: k, cluster: {server: 'https://k'}}]\n"
                           "users: [{name: u, user: {exec: " +
                               exec + "}}]\n");
  };
  auto scalar_entry = dir.write("scalar", "clusters:\n- x\n");
  auto message = error_of([&] { load_kubeconfig({scalar_entry}, "c"); });
  CHECK_THAT(message, Catch::Contains(scalar_entry.string() + ":2") && Catch::Contains("clusters[]"));
  auto flow = dir.write("flow", "clusters: [- x]\n"); // not YAML at all
  CHECK_THAT(error_of([&] { load_kubeconfig({flow}, "c"); }), Catch::Contains(flow.string() + ":1: malformed YAML"));

  auto nested_arg = with_exec("args", "{apiVersion: client.authentication.k8s.io/v1, command: x, args: [[a]]}");
  message = error_of([&] { load_kubeconfig({nested_arg}, ""); });
  CHECK_THAT(message, Catch::Contains(nested_arg.string() + ":4") && Catch::Contains("exec.args[]"));

  auto scalar_env = with_exec("env", "{apiVersion: client.authentication.k8s.io/v1, command: x, env: [x]}");
  message = error_of([&] { load_kubeconfig({scalar_env}, ""); });
  CHECK_THAT(message, Catch::Contains(scalar_env.string() + ":4") && Catch::Contains("exec.env[]"));

  auto scalar_exec = with_exec("exec", "aws");
  CHECK_THAT(error_of([&] { load_kubeconfig({scalar_exec}, ""); }), Catch::Contains("exec: expected a mapping"));
}

TEST_CASE("kubeconfig: $KUBECONFIG files merge, the first to define a name or current-context wins")
{
  test::TempDir dir;
  auto first = dir.write("a", "current-context: lab\nusers: [{name: ops, user: {token: first-token}}]\n");
  auto second = dir.write("b", k_kubeconfig);
  std::filesystem::create_directories(dir / "certs");
  dir.write("certs/client.crt", "CERT");
  dir.write("certs/client.key", "KEY");
  MapEnv env(std::map<std::string, std::string>{
      {"KUBECONFIG", first.string() + ":" + (dir / "missing").string() + ":" + second.string()},
      {"HOME", dir.path().string()}});
  auto access = discover(DiscoverOptions{}, env);
  REQUIRE(access);
  CHECK(access->server == "https://lab.example:6443"); // current-context from the first file

  auto prod = discover(DiscoverOptions{"", "prod", std::nullopt, dir / "sa"}, env);
  REQUIRE(prod);
  CHECK(prod->token.reveal() == "first-token"); // user "ops" from the first file
}

TEST_CASE("discover: kubernetes.kubeconfig, then $KUBECONFIG, then ~/.kube/config, then the service account")
{
  test::TempDir dir;
  MapEnv env(std::map<std::string, std::string>{{"HOME", dir.path().string()}});
  DiscoverOptions options;
  options.service_account_dir = dir / "sa";
  CHECK_FALSE(discover(options, env).has_value()); // nothing anywhere

  std::filesystem::create_directories(dir / ".kube");
  dir.write(".kube/config", k_kubeconfig);
  auto home = discover(options, env);
  REQUIRE(home);
  CHECK(home->source.find(".kube/config") != std::string::npos);

  auto explicit_file = dir.write("explicit", std::string(k_kubeconfig) + "\n");
  std::filesystem::create_directories(dir / "certs");
  dir.write("certs/client.crt", "CERT");
  dir.write("certs/client.key", "KEY");
  options.kubeconfig = explicit_file.string();
  options.context = "lab";
  auto chosen = discover(options, env);
  REQUIRE(chosen);
  CHECK(chosen->server == "https://lab.example:6443");
  options.kubeconfig = (dir / "absent").string();
  CHECK(error_of([&] { discover(options, env); }).find("absent") != std::string::npos);
}

TEST_CASE("discover: the in-cluster service account, from the environment and its directory")
{
  test::TempDir dir;
  std::filesystem::create_directories(dir / "sa");
  dir.write("sa/token", "fixture-sa-token\n");
  dir.write("sa/ca.crt", "SA-CA");
  dir.write("sa/namespace", "credguard-prod\n");
  MapEnv env(std::map<std::string, std::string>{{"HOME", (dir / "nohome").string()},
                                                {"KUBERNETES_SERVICE_HOST", "10.96.0.1"},
                                                {"KUBERNETES_SERVICE_PORT", "443"}});
  DiscoverOptions options;
  options.service_account_dir = dir / "sa";
  auto access = discover(options, env);
  REQUIRE(access);
  CHECK(access->server == "https://10.96.0.1:443");
  CHECK(access->token_file == (dir / "sa" / "token").string());
  CHECK(access->ca_pem == "SA-CA");
  CHECK(access->default_namespace == "credguard-prod");

  options.in_cluster = false; // explicitly off: no fallback
  CHECK_FALSE(discover(options, env).has_value());

  MapEnv ipv6(
      std::map<std::string, std::string>{{"KUBERNETES_SERVICE_HOST", "fd00::1"}, {"KUBERNETES_SERVICE_PORT", "6443"}});
  CHECK(load_in_cluster(ipv6, dir / "sa").server == "https://[fd00::1]:6443");

  options.in_cluster = true; // required: an incomplete pod is an error
  MapEnv outside(std::map<std::string, std::string>{{"HOME", dir.path().string()}});
  CHECK(error_of([&] { discover(options, outside); }).find("KUBERNETES_SERVICE_HOST") != std::string::npos);
}
