#include "support/certs.hpp"
#include "support/http_server.hpp"
#include "support/openssl_server.hpp"
#include "support/temp_dir.hpp"

#include <credguard/checks/engine.hpp>
#include <credguard/checks/tls_probe.hpp>
#include <credguard/core/error.hpp>
#include <credguard/http/transport.hpp>

#include <catch2/catch.hpp>
#include <fmt/format.h>

using namespace credguard;
using namespace credguard::checks;

namespace {

const MapEnv g_env; // outlives every Config that refers to it

// The real clock: the certificates are issued relative to now.
struct Net : Clients {
  SystemClock clock;
  NullLog log;
  Redactor redactor;
  test::TempDir dir;
  std::unique_ptr<Config> config = std::make_unique<Config>(Config::parse("", "cfg.yaml", g_env, redactor));
  std::unique_ptr<http::Transport> transport;

  Net()
  {
    http::TransportOptions options;
    options.retry.max_attempts = 1;
    transport = http::make_curl_transport(options, clock, log);
  }
  http::Transport& http() override { return *transport; }

  std::vector<CheckResult> run(const std::string& check)
  {
    auto runbook = parse_runbook("name: t\nchecks:\n  - " + check + "\n", "rb.yaml", *config, Millis(10'000));
    auto kinds = builtin_kinds();
    validate_runbook(runbook, kinds);
    return run_runbook(runbook, kinds, EngineContext{*config, clock, log, *this}, {}).report.results;
  }
};

const CheckResult& by_id(const std::vector<CheckResult>& results, const std::string& id)
{
  for (const auto& result : results) {
    if (result.id == id) {
      return result;
    }
  }
  FAIL("no result " << id);
  return results.front();
}

} // namespace

TEST_CASE("tls endpoints parse as host:port with 443 by default")
{
  CHECK(parse_tls_endpoint("credguard.com")->text() == "credguard.com:443");
  CHECK(parse_tls_endpoint("db.internal:8443")->port == 8443);
  CHECK(parse_tls_endpoint("[::1]:9443")->host == "::1");
  CHECK(parse_tls_endpoint("[::1]:9443")->text() == "[::1]:9443");
  CHECK_FALSE(parse_tls_endpoint("host:99999"));
  CHECK_FALSE(parse_tls_endpoint("https://host/"));
}

TEST_CASE("tls: days left, expiring soon, expired and untrusted certificates from openssl s_server")
{
  Net net;
  test::TestCa ca;
  test::TestCa stranger("unknown CA");
  using std::chrono::hours;
  test::OpensslServer valid(ca.issue("api.credguard", {"127.0.0.1", "localhost"}, hours(-24), hours(24 * 200)),
                            net.dir.path());
  test::OpensslServer expiring(ca.issue("old.credguard", {"127.0.0.1"}, hours(-24), hours(240)), net.dir.path());
  test::OpensslServer expired(ca.issue("gone.credguard", {"127.0.0.1"}, hours(-24 * 30), hours(-72)), net.dir.path());
  test::OpensslServer untrusted(stranger.issue("evil.credguard", {"127.0.0.1"}), net.dir.path());
  auto bundle = net.dir.write("ca.pem", ca.ca().cert_pem);
  auto check = fmt::format("{{id: tls, title: TLS, kind: tls, params: {{hosts: [{}, {}, {}, {}, 'localhost:{}'], "
                           "ca_bundle: {}}}, threshold: {{warn: 30, crit: 0, unit: days, direction: below}}}}",
                           valid.endpoint(), expiring.endpoint(), expired.endpoint(), untrusted.endpoint(),
                           valid.port(), bundle.string());
  auto results = net.run(check);
  REQUIRE(results.size() == 5);

  const auto& good = by_id(results, "tls:" + valid.endpoint());
  CHECK(good.status == Status::pass);
  CHECK(good.value == 199);
  CHECK(good.detail.find("api.credguard, issuer credguard test CA") != std::string::npos);

  const auto& soon = by_id(results, "tls:" + expiring.endpoint());
  CHECK(soon.status == Status::warn);
  CHECK(soon.value == 9); // 10 days minus the seconds the test took
  CHECK(soon.value_text == "9 days");

  const auto& gone = by_id(results, "tls:" + expired.endpoint());
  CHECK(gone.status == Status::fail);
  CHECK(gone.detail.find("expired 3 days ago") != std::string::npos);

  const auto& evil = by_id(results, "tls:" + untrusted.endpoint());
  CHECK(evil.status == Status::fail);
  CHECK(evil.detail.find("untrusted: unable to get local issuer certificate (issuer unknown CA)") != std::string::npos);

  const auto& by_name = by_id(results, fmt::format("tls:localhost:{}", valid.port()));
  CHECK(by_name.status == Status::pass); // SNI and the DNS name match
}

TEST_CASE("tls: the system store does not trust a private CA, a closed port is UNKNOWN")
{
  Net net;
  test::TestCa ca;
  test::OpensslServer server(ca.issue("api.credguard", {"127.0.0.1"}), net.dir.path());
  test::HttpServer placeholder([](const test::HttpRequest&) { return test::HttpResponse::text(200, "plain"); });
  int closed_port = placeholder.port();
  placeholder.stop();
  auto results = net.run(fmt::format("{{id: tls, title: TLS, kind: tls, params: {{hosts: [{}, '127.0.0.1:{}']}}, "
                                     "threshold: {{warn: 30, crit: 0, direction: below}}}}",
                                     server.endpoint(), closed_port));
  REQUIRE(results.size() == 2);
  CHECK(results[0].status == Status::fail);
  CHECK(results[0].detail.find("untrusted") != std::string::npos);
  CHECK(results[1].status == Status::unknown);
  CHECK(results[1].detail == fmt::format("127.0.0.1:{}: connect: Connection refused", closed_port));
}

TEST_CASE("http: every endpoint at once, 2xx in time passes, an error status or a slow answer fails")
{
  Net net;
  test::HttpServer server([](const test::HttpRequest& request) {
    if (request.path == "/slow") {
      auto response = test::HttpResponse::text(200, "late");
      response.delay = std::chrono::milliseconds(1500);
      return response;
    }
    if (request.path == "/down") {
      return test::HttpResponse::json(503, R"({"status":"db unreachable"})");
    }
    return test::HttpResponse::json(200, R"({"status":"ok"})");
  });
  auto check = fmt::format("{{id: health, title: Health, kind: http, params: {{endpoints: ["
                           "{{name: api, url: '{0}/health', timeout: 2s}}, "
                           "{{name: slow, url: '{0}/slow', timeout: 300ms}}, "
                           "{{name: down, url: '{0}/down'}}, '{0}/plain']}}}}",
                           server.url());
  auto results = net.run(check);
  REQUIRE(results.size() == 4);
  CHECK(by_id(results, "health:api").status == Status::pass);
  CHECK(by_id(results, "health:api").threshold == "2xx within 2s");
  CHECK(by_id(results, "health:slow").status == Status::fail);
  CHECK(by_id(results, "health:slow").detail == server.url() + "/slow: no answer within 300ms");
  CHECK(by_id(results, "health:down").status == Status::fail);
  CHECK(by_id(results, "health:down").detail.find("HTTP 503") != std::string::npos);
  CHECK(by_id(results, "health:" + server.url() + "/plain").status == Status::pass);

  CHECK_THROWS_WITH(net.run("{id: h, title: H, kind: http, params: {endpoints: ['ftp://x']}}"),
                    Catch::Contains("h.params.endpoints: \"ftp://x\" is not an http(s) URL"));
}
