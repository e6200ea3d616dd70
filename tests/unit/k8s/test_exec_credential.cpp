#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include <credguard/core/error.hpp>
#include <credguard/core/time_format.hpp>
#include <credguard/k8s/exec_credential.hpp>

#include <catch2/catch.hpp>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <sys/stat.h>
#include <unistd.h>

using namespace credguard;
using namespace credguard::k8s;

namespace {

constexpr const char* k_v1beta1 = "client.authentication.k8s.io/v1beta1";

ExecConfig plugin(const test::TempDir& dir, const std::string& body)
{
  auto script = dir.write("get-token", "#!/bin/sh\n" + body);
  ::chmod(script.c_str(), 0755);
  return ExecConfig{script.string(), {"eks", "get-token", "--cluster-name", "prod cluster"}, {}, k_v1beta1, ""};
}

std::string auth_error(const std::function<void()>& action)
{
  try {
    action();
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::auth);
    return e.what();
  }
  FAIL("expected Error(auth)");
  return "";
}

} // namespace

TEST_CASE("exec credential: token and expiry from a v1beta1 ExecCredential")
{
  auto credential = parse_exec_credential(
      R"({"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","spec":{},
          "status":{"expirationTimestamp":"2026-11-23T08:15:00Z","token":"k8s-aws-v1.fixture"}})",
      k_v1beta1, "aws");
  CHECK(credential.token.reveal() == "k8s-aws-v1.fixture");
  REQUIRE(credential.expires);
  CHECK(format_rfc3339_seconds(*credential.expires) == "2026-11-23T08:15:00Z");
  CHECK(credential.valid_at(*parse_rfc3339("2026-11-23T08:14:00Z")));
  CHECK_FALSE(credential.valid_at(*parse_rfc3339("2026-11-23T08:14:55Z"))); // inside the safety margin
}

TEST_CASE("exec credential: a v1 client certificate pair, and no expiry means until refused")
{
  auto credential = parse_exec_credential(
      R"({"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1",
          "status":{"clientCertificateData":"CERT","clientKeyData":"KEY"}})",
      "client.authentication.k8s.io/v1", "plugin");
  CHECK(credential.client_cert_pem == "CERT");
  CHECK(credential.client_key_pem.reveal() == "KEY");
  CHECK(credential.token.empty());
  CHECK_FALSE(credential.expires);
  CHECK(credential.valid_at(std::chrono::system_clock::now()));
}

TEST_CASE("exec credential: anything else is refused naming the plugin")
{
  CHECK(auth_error([] {
          parse_exec_credential("not json", k_v1beta1, "aws eks get-token");
        }).find("exec plugin 'aws eks get-token'") != std::string::npos);
  CHECK(auth_error([] {
          parse_exec_credential(R"({"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1",
                                   "status":{"token":"t"}})",
                                k_v1beta1, "aws");
        }).find("apiVersion") != std::string::npos);
  CHECK(auth_error([] {
          parse_exec_credential(R"({"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1",
                                   "status":{}})",
                                k_v1beta1, "aws");
        }).find("neither status.token") != std::string::npos);
  // Found by tests/fuzz/exec_credential: a field of another type threw json type_error (exit 70).
  for (const char* shape : {R"({"kind":1})", R"({"kind":"ExecCredential","apiVersion":[]})",
                            R"({"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1",
                                "status":{"token":7}})"}) {
    CAPTURE(shape);
    CHECK(auth_error([&] { parse_exec_credential(shape, k_v1beta1, "aws"); }).find("exec plugin 'aws'") !=
          std::string::npos);
  }
}

TEST_CASE("exec plugin: runs without a shell, with its args, env and KUBERNETES_EXEC_INFO")
{
  test::TempDir dir;
  auto config = plugin(dir, "printf '%s\\n' \"$@\" > \"$ARGS_FILE\"\n"
                            "echo \"$AWS_PROFILE\" >> \"$ARGS_FILE\"\n"
                            "echo \"$KUBERNETES_EXEC_INFO\" >> \"$ARGS_FILE\"\n"
                            "echo '{\"kind\":\"ExecCredential\",\"apiVersion\":"
                            "\"client.authentication.k8s.io/v1beta1\",\"status\":{\"token\":\"tok-1\"}}'\n");
  config.env = {{"AWS_PROFILE", "ops"}, {"ARGS_FILE", (dir / "args").string()}};
  MapEnv env(std::map<std::string, std::string>{{"PATH", "/usr/bin:/bin"}});
  auto credential = run_exec_plugin(config, env, Millis(10'000));
  CHECK(credential.token.reveal() == "tok-1");
  auto seen = test::slurp(dir / "args");
  CHECK(seen.find("eks\nget-token\n--cluster-name\nprod cluster\nops\n") == 0); // "prod cluster" stays one arg
  CHECK(seen.find(R"("interactive":false)") != std::string::npos);
}

TEST_CASE("exec plugin: a failure names the command and the first line of its stderr")
{
  test::TempDir dir;
  auto config = plugin(dir, "echo >&2\necho 'An error occurred (ExpiredToken): the SSO session expired' >&2\n"
                            "echo 'second line' >&2\nexit 255\n");
  config.install_hint = "aws sso login";
  MapEnv env(std::map<std::string, std::string>{{"PATH", "/usr/bin:/bin"}});
  try {
    run_exec_plugin(config, env, Millis(10'000));
    FAIL("expected an error");
  } catch (const Error& e) {
    std::string message = e.what();
    CHECK(e.kind() == ErrorKind::auth);
    CHECK(message.find(config.command) != std::string::npos);
    CHECK(message.find("exit 255") != std::string::npos);
    CHECK(message.find("An error occurred (ExpiredToken): the SSO session expired") != std::string::npos);
    CHECK(message.find("second line") == std::string::npos);
    CHECK(e.hint() == "aws sso login");
  }

  ExecConfig missing{"no-such-aws-cli", {}, {}, k_v1beta1, "install the AWS CLI"};
  CHECK(auth_error([&] { run_exec_plugin(missing, env, Millis(10'000)); }).find("no-such-aws-cli") !=
        std::string::npos);
  auto slow = plugin(dir, "sleep 30\n");
  CHECK(auth_error([&] { run_exec_plugin(slow, env, Millis(200)); }).find("did not finish") != std::string::npos);
}

TEST_CASE("exec plugin: one printing without end is stopped at the cap, one that overruns dies with its children")
{
  // An endless plugin took 16.6 GB in 40 s; a timeout killed the plugin but
  // not what it started, which kept the pipe open.
  test::TempDir dir;
  MapEnv env(std::map<std::string, std::string>{{"PATH", "/usr/bin:/bin"}});
  auto endless = plugin(dir, "exec cat /dev/zero\n");
  auto message = auth_error([&] { run_exec_plugin(endless, env, Millis(60'000)); });
  CHECK_THAT(message, Catch::Contains("more than 1.0 MiB to its standard output"));

  auto marker = dir.path() / "child-pid";
  auto forking = plugin(dir, "sleep 30 &\necho $! > " + marker.string() + "\nwait\n");
  auto start = std::chrono::steady_clock::now();
  CHECK_THAT(auth_error([&] { run_exec_plugin(forking, env, Millis(300)); }), Catch::Contains("did not finish"));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
  auto child = static_cast<pid_t>(std::stol(test::slurp(marker)));
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {
    gone = !test::process_alive(child);
    if (!gone) {
      ::usleep(10'000);
    }
  }
  CHECK(gone);
}
