#include "service_runner.hpp"
#include "support/prometheus.hpp"

#include <catch2/catch.hpp>

using namespace credguard;
using namespace credguard::test;
using checks::Status;

namespace {

struct Stack {
  Exporter exporter;
  PrometheusServer server{exporter.target()};
};

// One exporter and Prometheus for this process: SECTIONs rerun the test
// case in the same process.
Stack& stack()
{
  static Stack k_stack;
  return k_stack;
}

} // namespace

TEST_CASE("prometheus kind: PromQL results from a real Prometheus judged by the runbook's thresholds")
{
  auto& [exporter, server] = stack();
  exporter.set("api_latency_ms", 120);
  exporter.set("db_connections_in_use{pool=\"scoring\"}", 30);
  exporter.set("db_connections_in_use{pool=\"batch\"}", 90);
  exporter.set("db_connections_max{pool=\"scoring\"}", 100);
  exporter.set("db_connections_max{pool=\"batch\"}", 100);
  REQUIRE(server.wait_for("sum(db_connections_max) + sum(api_latency_ms)", [](double v) { return v == 320; }));
  ServiceRunner runner;
  runner.clients.use_prometheus(server.url());

  SECTION("one series below, above and beyond the thresholds")
  {
    const std::string check = "  - {id: latency, title: L, kind: prometheus, params: {query: api_latency_ms}, "
                              "threshold: {warn: 200, crit: 500, unit: ms}}\n";
    auto pass = runner.run_one(check);
    CHECK(pass.status == Status::pass);
    CHECK(pass.value == 120);
    CHECK(pass.value_text == "120 ms");
    CHECK(pass.data["query"] == "api_latency_ms");
    CHECK_THAT(pass.detail, Catch::Contains("job=\"credguard-test\""));

    exporter.set("api_latency_ms", 250);
    REQUIRE(server.wait_for("api_latency_ms", [](double v) { return v == 250; }));
    CHECK(runner.run_one(check).status == Status::warn);
    exporter.set("api_latency_ms", 900);
    REQUIRE(server.wait_for("api_latency_ms", [](double v) { return v == 900; }));
    CHECK(runner.run_one(check).status == Status::fail);
    exporter.set("api_latency_ms", 120);
    REQUIRE(server.wait_for("api_latency_ms", [](double v) { return v == 120; }));
  }
  SECTION("several series: the worst decides and is named")
  {
    auto result =
        runner.run_one("  - {id: conns, title: C, kind: prometheus, threshold: {warn: 80, crit: 95, unit: \"%\"},"
                       " params: {query: \"100 * db_connections_in_use / on(pool) db_connections_max\"}}\n");
    CHECK(result.status == Status::warn);
    CHECK(result.value == 90);
    CHECK_THAT(result.detail, Catch::StartsWith("worst of 2 series: {") && Catch::Contains("pool=\"batch\""));
    CHECK(result.data["series_count"] == 2);
  }
  SECTION("with direction below, the lowest series is the worst")
  {
    auto result = runner.run_one("  - {id: headroom, title: H, kind: prometheus, params: {query: "
                                 "\"db_connections_max - db_connections_in_use\"}, threshold: {warn: 20, crit: 5, "
                                 "direction: below}}\n");
    CHECK(result.status == Status::warn);
    CHECK(result.value == 10);
  }
  SECTION("no data is UNKNOWN naming the query")
  {
    auto result = runner.run_one("  - {id: gone, title: G, kind: prometheus, params: {query: \"rate(nothing[5m])\"},"
                                 " threshold: {warn: 1}}\n");
    CHECK(result.status == Status::unknown);
    CHECK_THAT(result.detail, Catch::Contains("no data for 'rate(nothing[5m])'") && Catch::Contains(server.url()));
  }
  SECTION("NaN (a ratio over no traffic) is UNKNOWN")
  {
    auto result = runner.run_one("  - {id: ratio, title: R, kind: prometheus, params: {query: \"sum(api_latency_ms) * 0"
                                 " / 0\"}, threshold: {warn: 1}}\n");
    CHECK(result.status == Status::unknown);
    CHECK(result.value_text == "NaN");
    CHECK_THAT(result.detail, Catch::Contains("NaN"));
  }
  SECTION("a query the server rejects is UNKNOWN with the server's reason")
  {
    auto result = runner.run_one("  - {id: bad, title: B, kind: prometheus, params: {query: \"sum(\"}}\n");
    CHECK(result.status == Status::unknown);
    CHECK_THAT(result.detail, Catch::Contains("bad_data") && Catch::Contains("'sum('"));
  }
  SECTION("an unreachable server is UNKNOWN naming host:port")
  {
    auto url = "http://127.0.0.1:" + std::to_string(free_port());
    runner.clients.use_prometheus(url);
    auto result = runner.run_one("  - {id: l, title: L, kind: prometheus, params: {query: up}}\n");
    CHECK(result.status == Status::unknown);
    CHECK_THAT(result.detail, Catch::Contains(url));
  }
  SECTION("a missing query is a configuration error at load")
  {
    CHECK_THROWS_WITH(runner.run("  - {id: l, title: L, kind: prometheus}\n"), Catch::Contains("l.params.query"));
  }
}
