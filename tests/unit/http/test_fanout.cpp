#include "support/fake_clock.hpp"
#include "support/http_server.hpp"

#include <credguard/core/clock.hpp>
#include <credguard/http/transport.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>

using namespace credguard;
using namespace credguard::http;
using credguard::test::HttpResponse;
using credguard::test::HttpServer;

TEST_CASE("fan-out: requests run concurrently up to the limit, answers keep their order")
{
  std::atomic<int> in_flight{0};
  std::atomic<int> peak{0};
  HttpServer server([&](const test::HttpRequest& request) {
    int now = ++in_flight;
    int seen = peak.load();
    while (now > seen && !peak.compare_exchange_weak(seen, now)) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    --in_flight;
    return HttpResponse::text(200, request.path);
  });
  SystemClock clock;
  NullLog log;
  auto transport = make_curl_transport(TransportOptions{}, clock, log);
  std::vector<Request> requests(40);
  for (std::size_t i = 0; i < requests.size(); ++i) {
    requests[i].url = server.url() + "/item/" + std::to_string(i);
  }
  std::size_t done = 0;
  FanOutOptions options;
  options.max_concurrency = 8;
  options.on_done = [&](std::size_t, const Response&) { ++done; };
  auto responses = transport->perform_all(requests, options);
  REQUIRE(responses.size() == 40);
  for (std::size_t i = 0; i < responses.size(); ++i) {
    CHECK(responses[i].body == "/item/" + std::to_string(i));
  }
  CHECK(done == 40);
  CHECK(peak > 1);  // concurrent...
  CHECK(peak <= 8); // ...within the limit
}

TEST_CASE("fan-out: one failing endpoint is retried and reported without holding up the others")
{
  std::atomic<int> bad_calls{0};
  HttpServer server([&](const test::HttpRequest& request) {
    if (request.path == "/bad") {
      ++bad_calls;
      return HttpResponse::text(500, "broken");
    }
    return HttpResponse::text(200, "fine");
  });
  test::FakeClock clock;
  NullLog log;
  TransportOptions transport_options;
  transport_options.retry.random = [] { return 0.0; };
  auto transport = make_curl_transport(transport_options, clock, log);
  std::vector<Request> requests(5);
  for (auto& request : requests) {
    request.url = server.url() + "/good";
  }
  requests[2].url = server.url() + "/bad";
  auto responses = transport->perform_all(requests, FanOutOptions{});
  CHECK(responses[2].status == 500);
  CHECK(responses[2].attempts == 3);
  CHECK(bad_calls == 3);
  for (std::size_t i : {0U, 1U, 3U, 4U}) {
    CHECK(responses[i].ok());
    CHECK(responses[i].attempts == 1);
  }
}
