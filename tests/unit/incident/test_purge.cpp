#include "fakes/serving.hpp"
#include "support/fake_clock.hpp"
#include "support/varnish.hpp"

#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/incident/purge.hpp>

#include <catch2/catch.hpp>

using namespace credguard;
using namespace credguard::incident;
using test::Fault;

namespace {

struct Fixture {
  test::FakeClock clock;
  NullLog log;
  std::unique_ptr<http::Transport> transport = make();

  std::unique_ptr<http::Transport> make()
  {
    http::TransportOptions options;
    options.retry.max_attempts = 2;
    options.retry.random = [] { return 0.5; };
    return http::make_curl_transport(options, clock, log);
  }
};

PurgeEndpoint endpoint(Layer layer, const std::string& kind, const std::string& name, const std::string& url)
{
  PurgeEndpoint e;
  e.layer = layer;
  e.kind = kind;
  e.name = name;
  e.url = url;
  e.method = kind == "gateway" ? "GET" : "POST";
  e.triton_model = "{model}";
  return e;
}

// An origin that counts its requests, behind a real Varnish.
struct Origin {
  std::atomic<int> hits{0};
  test::HttpServer server{[this](const test::HttpRequest&) {
    ++hits;
    auto response = test::HttpResponse::json(200, R"({"score":0.42})");
    response.headers.emplace_back("Cache-Control", "max-age=3600");
    return response;
  }};
};

} // namespace

TEST_CASE("purge: every layer purged concurrently, verified where the layer allows it")
{
  Fixture f;
  test::FakeGateway gateway;
  test::FakeTorchServe torchserve;
  torchserve.add("credit-score", "7");
  torchserve.add("credit-score", "6");
  test::FakeTriton triton;
  triton.load("credit-score", "7");
  PurgeTargets targets;
  targets.endpoints.push_back(
      endpoint(Layer::gateway, "gateway", "gw", gateway.url() + "/admin/purge?model={model}&version={version}"));
  targets.endpoints.push_back(endpoint(Layer::serving, "torchserve", "ts", torchserve.url()));
  targets.endpoints.push_back(endpoint(Layer::serving, "triton", "tr", triton.url() + "/"));

  auto results = purge(*f.transport, targets, "credit-score", "7", f.clock);
  REQUIRE(results.size() == 3);
  for (const auto& result : results) {
    INFO(result.id << ": " << result.detail);
    CHECK(result.ok);
    CHECK_FALSE(result.at.empty());
  }
  CHECK_FALSE(results[0].verified.has_value()); // a gateway purge cannot be checked
  CHECK(results[1].verified == true);
  CHECK(results[2].verified == true);
  CHECK(results[1].request == "DELETE " + torchserve.url() + "/models/credit-score/7");
  CHECK_FALSE(torchserve.has("credit-score", "7"));
  CHECK(torchserve.has("credit-score", "6"));
  CHECK_FALSE(triton.ready("credit-score"));
  auto purge_request = gateway.server().requests().front();
  CHECK(purge_request.param("model") == "credit-score");
  CHECK(purge_request.param("version") == "7");

  // Again: TorchServe answers 404 (already gone), which is a success.
  auto again = purge(*f.transport, targets, "credit-score", "7", f.clock);
  CHECK(again[1].ok);
  CHECK(again[1].status == 404);
}

TEST_CASE("purge: a 500 is retried then reported, a timeout fails, skipped ids are not purged")
{
  Fixture f;
  test::FakeGateway good;
  test::FakeGateway broken;
  broken.set_fault(Fault{500});
  test::FakeGateway slow;
  slow.set_fault(Fault{200, std::chrono::milliseconds(2000)});
  PurgeTargets targets;
  targets.timeout = Millis(300);
  targets.endpoints.push_back(
      endpoint(Layer::gateway, "gateway", "good", good.url() + "/admin/purge?model={model}&version={version}"));
  targets.endpoints.push_back(
      endpoint(Layer::gateway, "gateway", "broken", broken.url() + "/admin/purge?model={model}&version={version}"));
  targets.endpoints.push_back(
      endpoint(Layer::vector, "vector", "slow", slow.url() + "/admin/purge?model={model}&version={version}"));
  auto results = purge(*f.transport, targets, "m", "7", f.clock);
  CHECK(results[0].ok);
  CHECK_FALSE(results[1].ok);
  CHECK(results[1].status == 500);
  CHECK(results[1].attempts == 2);
  CHECK(results[1].detail.find("HTTP 500") != std::string::npos);
  CHECK_FALSE(results[2].ok);
  CHECK(results[2].detail.find("timeout") != std::string::npos);

  auto only_failed = purge(*f.transport, targets, "m", "7", f.clock, {"gateway/good"});
  CHECK(only_failed.size() == 2);
  CHECK(good.server().request_count() == 1);
}

TEST_CASE("purge: a TorchServe that still lists the version fails verification")
{
  Fixture f;
  // Answers 200 to DELETE but keeps the model: a purge that did not take.
  test::HttpServer sticky([](const test::HttpRequest& request) {
    if (request.method == "DELETE") {
      return test::HttpResponse::json(200, R"({"status":"Model \"m\" unregistered"})");
    }
    return test::HttpResponse::json(200, R"([{"modelName":"m","modelVersion":"7"}])");
  });
  PurgeTargets targets;
  targets.endpoints.push_back(endpoint(Layer::serving, "torchserve", "sticky", sticky.url()));
  auto results = purge(*f.transport, targets, "m", "7", f.clock);
  CHECK_FALSE(results[0].ok);
  CHECK(results[0].verified == false);
  CHECK(results[0].detail.find("still registered") != std::string::npos);
}

TEST_CASE("purge: a real Varnish purges a cached path, which then misses")
{
  if (!test::Varnish::available()) {
    FAIL("varnishd is not installed: run scripts/deps.sh test");
  }
  Fixture f;
  Origin origin;
  test::Varnish varnish(origin.server.port());
  http::Request get;
  get.url = varnish.url() + "/v1/models/credit-score/versions/7";
  REQUIRE(f.transport->perform(get).ok());
  auto hit = f.transport->perform(get);
  REQUIRE(origin.hits == 1); // the second GET was a hit
  CHECK(split_list(hit.header("X-Varnish").value_or(""), ' ').size() == 2);

  PurgeTargets targets;
  auto cdn = endpoint(Layer::cdn, "cdn", "edge", varnish.url());
  cdn.paths = {"/v1/models/{model}/versions/{version}", "/v1/models/{model}/never-cached"};
  targets.endpoints.push_back(cdn);
  auto results = purge(*f.transport, targets, "credit-score", "7", f.clock);
  REQUIRE(results.size() == 2);
  CHECK(results[0].ok);
  CHECK(results[0].status == 200);
  CHECK(results[0].verified == true);
  CHECK(results[0].id == "cdn/edge/v1/models/credit-score/versions/7");
  CHECK(results[1].ok);
  // The verification request missed and went to the origin.
  CHECK(origin.hits == 3);
}

TEST_CASE("purge: configuration is read per layer and checked")
{
  Redactor redactor;
  MapEnv env(std::map<std::string, std::string>{{"TS_KEY", "ts-key-fixture-77"}});
  auto config = Config::parse("purge:\n  timeout: 2s\n  concurrency: 8\n"
                              "  gateway:\n    - {name: a, url: 'http://gw/admin/purge?model={model}'}\n"
                              "  torchserve:\n    - {url: 'http://ts:8081', token: env:TS_KEY}\n"
                              "  cdn:\n    - {name: e, url: 'http://v:6081', paths: ['/m/{model}']}\n",
                              "c.yaml", env, redactor);
  auto targets = purge_targets(config);
  REQUIRE(targets.endpoints.size() == 3);
  CHECK(targets.timeout == Millis(2000));
  CHECK(targets.concurrency == 8);
  CHECK(targets.endpoints[1].name == "torchserve-1");
  CHECK(targets.endpoints[1].layer == Layer::serving);
  CHECK(targets.endpoints[1].token->reveal() == "ts-key-fixture-77");
  CHECK(targets.only({Layer::cdn}).endpoints.size() == 1);
  CHECK(expand("/p?m={model}&v={version}", "a b", "7") == "/p?m=a%20b&v=7");

  auto no_paths = Config::parse("purge:\n  cdn:\n    - {url: 'http://v'}\n", "c.yaml", env, redactor);
  CHECK_THROWS_AS(purge_targets(no_paths), Error);
  auto twice = Config::parse("purge:\n  gateway:\n    - {name: a, url: 'http://x'}\n    - {name: a, url: 'http://y'}\n",
                             "c.yaml", env, redactor);
  CHECK_THROWS_AS(purge_targets(twice), Error);
  CHECK(parse_layer("serving") == Layer::serving);
  CHECK_FALSE(parse_layer("disk"));
}
