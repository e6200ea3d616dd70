#include "support/fake_clock.hpp"
#include "support/prometheus.hpp"

#include <credguard/core/error.hpp>
#include <credguard/http/transport.hpp>
#include <credguard/prometheus/client.hpp>

#include <catch2/catch.hpp>

#include <cmath>

using namespace credguard;
using namespace credguard::test;

namespace {

// One exporter and one Prometheus for this process (every SECTION of the
// test case below reruns the case in the same process).
struct Stack {
  Exporter exporter;
  PrometheusServer server{exporter.target()};
};

Stack& stack()
{
  static Stack k_stack;
  return k_stack;
}

std::unique_ptr<http::Transport> transport(const Clock& clock)
{
  static NullLog log;
  http::TransportOptions options;
  options.retry.max_attempts = 1;
  options.timeout = Millis(10'000);
  return http::make_curl_transport(options, clock, log);
}

Error error_of(prometheus::Client& client, const std::string& promql)
{
  try {
    client.query(promql);
  } catch (const Error& e) {
    return e;
  }
  FAIL("no error from: " << promql);
  return Error(ErrorKind::internal, "unreachable");
}

} // namespace

TEST_CASE("prometheus: instant queries against a real Prometheus scraping a test exporter")
{
  auto& [exporter, server] = stack();
  exporter.set("credguard_test_latency_ms", 150);
  exporter.set("credguard_test_errors{route=\"a\"}", 1);
  exporter.set("credguard_test_errors{route=\"b\"}", 2);
  REQUIRE(server.wait_for("sum(credguard_test_errors)", [](double v) { return v == 3; }));
  test::FakeClock clock;
  auto http = transport(clock);
  auto client = prometheus::make_client(*http, {server.url(), std::nullopt});

  SECTION("a vector with one sample")
  {
    auto result = client->query("credguard_test_latency_ms");
    CHECK(result.type == "vector");
    REQUIRE(result.samples.size() == 1);
    CHECK(result.samples[0].value == 150);
    CHECK(result.samples[0].labels.at("job") == "credguard-test");
    CHECK(result.samples[0].timestamp > 1e9);
  }
  SECTION("a vector with several series keeps their labels")
  {
    auto result = client->query("credguard_test_errors");
    REQUIRE(result.samples.size() == 2);
    std::map<std::string, double> by_route;
    for (const auto& sample : result.samples) {
      by_route[sample.labels.at("route")] = sample.value;
    }
    CHECK(by_route == std::map<std::string, double>{{"a", 1}, {"b", 2}});
  }
  SECTION("the query is percent-encoded whole: matchers, quotes, '+' and spaces reach the server intact")
  {
    auto result = client->query("sum(credguard_test_errors{route=~\"a|b\"}) + 0 * count(up == 1)");
    REQUIRE(result.samples.size() == 1);
    CHECK(result.samples[0].value == 3);
  }
  SECTION("a scalar, including NaN")
  {
    auto result = client->query("scalar(credguard_test_latency_ms) / 3");
    CHECK(result.type == "scalar");
    REQUIRE(result.samples.size() == 1);
    CHECK(result.samples[0].value == 50);
    CHECK(std::isnan(client->query("0 / 0").samples.at(0).value));
  }
  SECTION("no series is an empty vector, not an error")
  {
    auto result = client->query("credguard_no_such_metric");
    CHECK(result.type == "vector");
    CHECK(result.samples.empty());
  }
  SECTION("a value the test changes is seen after the next scrape")
  {
    exporter.set("credguard_test_latency_ms", 420);
    REQUIRE(server.wait_for("credguard_test_latency_ms", [](double v) { return v == 420; }));
    CHECK(client->query("credguard_test_latency_ms").samples.at(0).value == 420);
    exporter.set("credguard_test_latency_ms", 150);
    REQUIRE(server.wait_for("credguard_test_latency_ms", [](double v) { return v == 150; }));
  }
  SECTION("a malformed query is the server's bad_data error, naming the query")
  {
    auto e = error_of(*client, "sum(rate(");
    CHECK(e.kind() == ErrorKind::data);
    CHECK_THAT(e.what(), Catch::Contains("HTTP 400") && Catch::Contains("bad_data") && Catch::Contains("parse error") &&
                             Catch::Contains("'sum(rate('") && Catch::Contains(server.url()));
  }
  SECTION("an execution error (422) is a data error")
  {
    auto e =
        error_of(*client, "label_replace({__name__=~\"up|scrape_samples_scraped\"}, \"__name__\", \"x\", \"\", \"\")");
    CHECK(e.kind() == ErrorKind::data);
    CHECK_THAT(e.what(), Catch::Contains("HTTP 422") && Catch::Contains("execution"));
  }
  SECTION("range vectors and strings cannot be compared to a threshold")
  {
    CHECK_THAT(error_of(*client, "up[1m]").what(), Catch::Contains("matrix"));
    CHECK_THAT(error_of(*client, "\"text\"").what(), Catch::Contains("string"));
  }
  SECTION("a URL that is not the API's base is a configuration error")
  {
    auto wrong = prometheus::make_client(*http, {server.url() + "/not-prometheus/", std::nullopt});
    auto e = error_of(*wrong, "up");
    CHECK(e.kind() == ErrorKind::config);
    CHECK_THAT(e.what(), Catch::Contains("HTTP 404"));
  }
  SECTION("an unreachable server is unavailable, naming it")
  {
    auto url = "http://127.0.0.1:" + std::to_string(free_port());
    auto gone = prometheus::make_client(*http, {url, std::nullopt});
    auto e = error_of(*gone, "up");
    CHECK(e.kind() == ErrorKind::unavailable);
    CHECK_THAT(e.what(), Catch::Contains(url) && Catch::Contains("'up'"));
  }
  SECTION("a bearer token is sent; an auth proxy's refusal is an auth error without the token")
  {
    // Prometheus itself has no bearer auth: deployments put a proxy in front.
    const std::string token = "prom-fixture-token-6e1f";
    HttpServer proxy([&](const HttpRequest& request) {
      if (request.header("Authorization") != "Bearer " + token) {
        return HttpResponse::text(401, "Unauthorized\n");
      }
      auto [status, body] = loopback_get(server.port(), request.target);
      return HttpResponse::json(status, body);
    });
    auto good = prometheus::make_client(*http, {proxy.url(), Secret(token)});
    CHECK(good->query("credguard_test_latency_ms").samples.at(0).value == 150);
    auto bad = prometheus::make_client(*http, {proxy.url(), Secret("wrong-fixture-token")});
    auto e = error_of(*bad, "up");
    CHECK(e.kind() == ErrorKind::auth);
    CHECK_THAT(e.what(), !Catch::Contains("wrong-fixture-token") && !Catch::Contains(token));
    CHECK_THAT(e.hint(), Catch::Contains("prometheus.token"));
    CHECK(proxy.requests().at(0).param("query") == "credguard_test_latency_ms");
  }
}

TEST_CASE("prometheus: answers that are not the API's JSON are rejected")
{
  CHECK_THROWS_WITH(prometheus::parse_query_response("<html>gateway</html>"), Catch::Contains("not a Prometheus API"));
  CHECK_THROWS_WITH(prometheus::parse_query_response(R"({"status":"success","data":{"resultType":"vector",
                    "result":[{"metric":{},"value":[1,"abc"]}]}})"),
                    Catch::Contains("\"abc\" is not a number"));
  auto inf = prometheus::parse_query_response(
      R"({"status":"success","warnings":["partial"],"data":{"resultType":"vector","result":[{"metric":{"a":"1"},"value":[1.5,"+Inf"]}]}})");
  CHECK(std::isinf(inf.samples.at(0).value));
  CHECK(inf.warnings == std::vector<std::string>{"partial"});
  CHECK(prometheus::format_labels({{"a", "1"}, {"b", "x"}}) == "{a=\"1\", b=\"x\"}");
}

TEST_CASE("prometheus: options come from prometheus.url and prometheus.token")
{
  Redactor redactor;
  MapEnv env(std::map<std::string, std::string>{{"PROM_TOKEN", "prom-fixture-token-6e1f"}});
  auto config =
      Config::parse("prometheus:\n  url: http://prom:9090/\n  token: env:PROM_TOKEN\n", "cfg.yaml", env, redactor);
  auto options = prometheus::options_from_config(config);
  CHECK(options.url == "http://prom:9090/");
  REQUIRE(options.token);
  CHECK(options.token->reveal() == "prom-fixture-token-6e1f");
  // Refused when the file is read (core/config_yaml's URL keys).
  CHECK_THROWS_WITH(Config::parse("prometheus:\n  url: prom:9090\n", "cfg.yaml", env, redactor),
                    Catch::Contains("cfg.yaml:2") && Catch::Contains("prometheus.url"));
}
