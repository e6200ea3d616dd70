#include "support/certs.hpp"
#include "support/fake_clock.hpp"
#include "support/http_server.hpp"
#include "support/temp_dir.hpp"

#include <credguard/http/transport.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <sstream>

using namespace credguard;
using namespace credguard::http;
using credguard::test::HttpResponse;
using credguard::test::HttpServer;

namespace {

TransportOptions fast_options()
{
  TransportOptions options;
  options.timeout = Millis(5000);
  options.connect_timeout = Millis(2000);
  options.retry.random = [] { return 0.5; };
  return options;
}

} // namespace

TEST_CASE("transport: a GET returns status, headers and body, and 4xx is data")
{
  HttpServer server([](const test::HttpRequest& request) {
    if (request.path == "/missing") {
      return HttpResponse::json(404, R"({"error_code":"RESOURCE_DOES_NOT_EXIST"})");
    }
    auto response = HttpResponse::text(200, "hello " + request.header("X-Test").value_or("?"));
    response.headers.emplace_back("X-Answer", "42");
    return response;
  });
  test::FakeClock clock;
  NullLog log;
  auto transport = make_curl_transport(fast_options(), clock, log);
  Request request;
  request.url = server.url() + "/hello";
  request.header("X-Test", "yes");
  auto response = transport->perform(request);
  CHECK(response.ok());
  CHECK(response.status == 200);
  CHECK(response.body == "hello yes");
  CHECK(response.header("x-answer") == "42");
  CHECK(response.attempts == 1);

  request.url = server.url() + "/missing";
  auto missing = transport->perform(request);
  CHECK(missing.transport_ok());
  CHECK_FALSE(missing.ok());
  CHECK(missing.status == 404);
  CHECK(missing.attempts == 1);
}

TEST_CASE("transport: an answer larger than the limits stops, the error naming the limit")
{
  HttpServer server([](const test::HttpRequest& request) {
    auto response = HttpResponse::text(200, request.path == "/big" ? std::string(3 * 1024 * 1024, 'x') : "small");
    if (request.path == "/headers") {
      for (int i = 0; i < 64; ++i) {
        response.headers.emplace_back("X-Padding-" + std::to_string(i), std::string(1000, 'h'));
      }
    }
    return response;
  });
  test::FakeClock clock;
  NullLog log;
  auto options = fast_options();
  options.max_body_bytes = 1024 * 1024;
  options.max_header_bytes = 32 * 1024;
  auto transport = make_curl_transport(options, clock, log);
  Request request;
  request.url = server.url() + "/big";
  auto big = transport->perform(request);
  CHECK(big.error == TransportError::other);
  CHECK(big.error_message == "the response body is larger than 1.0 MiB, the most credguard reads");
  CHECK(big.body.size() <= 1024 * 1024);

  request.url = server.url() + "/headers";
  auto headers = transport->perform(request);
  CHECK(headers.error == TransportError::other);
  CHECK(headers.error_message == "the response headers are larger than 32.0 KiB, the most credguard reads");

  request.url = server.url() + "/small";
  CHECK(transport->perform(request).body == "small");
}

TEST_CASE("transport: POST sends the body and method")
{
  HttpServer server([](const test::HttpRequest& request) {
    return HttpResponse::json(200,
                              request.method + ":" + request.header("Content-Type").value_or("") + ":" + request.body);
  });
  test::FakeClock clock;
  NullLog log;
  auto transport = make_curl_transport(fast_options(), clock, log);
  Request request;
  request.method = "POST";
  request.url = server.url() + "/api";
  request.body = R"({"a":1})";
  request.header("Content-Type", "application/json");
  CHECK(transport->perform(request).body == R"(POST:application/json:{"a":1})");
  request.method = "PURGE";
  request.body.clear();
  request.headers.clear();
  CHECK(transport->perform(request).body == "PURGE::");
}

TEST_CASE("transport: 503 is retried with backoff on the injected clock, then succeeds")
{
  std::atomic<int> calls{0};
  HttpServer server([&](const test::HttpRequest&) {
    return ++calls < 3 ? HttpResponse::text(503, "busy") : HttpResponse::text(200, "ok");
  });
  test::FakeClock clock;
  NullLog log;
  auto transport = make_curl_transport(fast_options(), clock, log);
  Request request;
  request.url = server.url() + "/flaky";
  auto response = transport->perform(request);
  CHECK(response.status == 200);
  CHECK(response.attempts == 3);
  CHECK(calls == 3);
  // Two backoffs on the fake clock (150ms, 300ms with random 0.5); no real sleeping.
  auto sleeps = clock.sleeps();
  Millis slept{0};
  for (auto s : sleeps) {
    slept += s;
  }
  CHECK(slept >= Millis(450));
  CHECK(slept <= Millis(460));
}

TEST_CASE("transport: a POST answered 503 is not retried")
{
  std::atomic<int> calls{0};
  HttpServer server([&](const test::HttpRequest&) {
    ++calls;
    return HttpResponse::text(503, "busy");
  });
  test::FakeClock clock;
  NullLog log;
  auto transport = make_curl_transport(fast_options(), clock, log);
  Request request;
  request.method = "POST";
  request.url = server.url() + "/events";
  request.body = "{}";
  auto response = transport->perform(request);
  CHECK(response.status == 503);
  CHECK(response.attempts == 1);
  CHECK(calls == 1);
  CHECK(clock.sleeps().empty());
}

TEST_CASE("transport: Retry-After on 429 is waited for on the clock")
{
  std::atomic<int> calls{0};
  HttpServer server([&](const test::HttpRequest&) {
    if (++calls == 1) {
      auto response = HttpResponse::text(429, "slow down");
      response.headers.emplace_back("Retry-After", "2");
      return response;
    }
    return HttpResponse::text(200, "ok");
  });
  test::FakeClock clock;
  NullLog log;
  auto transport = make_curl_transport(fast_options(), clock, log);
  Request request;
  request.url = server.url() + "/";
  CHECK(transport->perform(request).status == 200);
  REQUIRE(clock.sleeps().size() == 1);
  CHECK(clock.sleeps()[0] >= Millis(2000));
  CHECK(clock.sleeps()[0] <= Millis(2001));
}

TEST_CASE("transport: a slow server hits the request timeout")
{
  HttpServer server([](const test::HttpRequest&) {
    auto response = HttpResponse::text(200, "late");
    response.delay = Millis(3000);
    return response;
  });
  test::FakeClock clock;
  NullLog log;
  auto options = fast_options();
  options.retry.max_attempts = 2;
  auto transport = make_curl_transport(options, clock, log);
  Request request;
  request.url = server.url() + "/slow";
  request.timeout = Millis(200);
  auto response = transport->perform(request);
  CHECK(response.error == TransportError::timeout);
  CHECK(response.status == 0);
  CHECK(response.attempts == 2); // GET: retried once
  CHECK(server.request_count() == 2);
  CHECK(describe_failure(request, response).find("GET " + server.url() + "/slow") == 0);
}

TEST_CASE("transport: connection refused is a connect error and is retried")
{
  int port = 0;
  {
    HttpServer closed([](const test::HttpRequest&) { return HttpResponse::text(200, ""); });
    port = closed.port();
  }
  test::FakeClock clock;
  NullLog log;
  auto transport = make_curl_transport(fast_options(), clock, log);
  Request request;
  request.method = "POST";
  request.url = "http://127.0.0.1:" + std::to_string(port) + "/";
  auto response = transport->perform(request);
  CHECK(response.error == TransportError::connect);
  CHECK(response.attempts == 3);
}

TEST_CASE("transport: TLS is verified, a private CA must be given, --insecure skips it")
{
  test::TestCa ca;
  auto leaf = ca.issue("localhost", {"localhost", "127.0.0.1"});
  HttpServer server([](const test::HttpRequest&) { return HttpResponse::text(200, "secure"); }, leaf);
  test::FakeClock clock;
  NullLog log;
  Request request;
  request.url = server.url() + "/";

  auto strict = make_curl_transport(fast_options(), clock, log);
  auto refused = strict->perform(request);
  CHECK(refused.error == TransportError::tls);
  CHECK(refused.attempts == 1);

  auto with_ca = fast_options();
  with_ca.ca_pem = ca.ca().cert_pem;
  CHECK(make_curl_transport(with_ca, clock, log)->perform(request).body == "secure");

  test::TempDir dir;
  auto bundle = dir.write("ca.pem", ca.ca().cert_pem);
  auto with_bundle = fast_options();
  with_bundle.ca_bundle = bundle.string();
  CHECK(make_curl_transport(with_bundle, clock, log)->perform(request).ok());

  auto insecure = fast_options();
  insecure.insecure = true;
  CHECK(make_curl_transport(insecure, clock, log)->perform(request).ok());
}

TEST_CASE("transport: the debug log never shows tokens, passwords or signatures")
{
  HttpServer server([](const test::HttpRequest&) { return HttpResponse::text(503, "no"); });
  test::FakeClock clock;
  std::ostringstream captured;
  Redactor redactor;
  redactor.add("bearer-fixture-7788");
  StreamLog log(captured, LogLevel::debug, redactor);
  auto transport = make_curl_transport(fast_options(), clock, log);
  Request request;
  request.url = "http://user:pw-fixture-5566@127.0.0.1:" + std::to_string(server.port()) +
                "/x?token=query-fixture-9911&X-Amz-Signature=sig-fixture-3344";
  request.header("Authorization", "Bearer bearer-fixture-7788");
  auto response = transport->perform(request);
  CHECK(response.status == 503);
  auto log_text = captured.str();
  CHECK(log_text.find("http: GET") != std::string::npos);
  for (const char* secret : {"bearer-fixture-7788", "pw-fixture-5566", "query-fixture-9911", "sig-fixture-3344"}) {
    CHECK(log_text.find(secret) == std::string::npos);
  }
  CHECK(describe_failure(request, response).find("query-fixture-9911") == std::string::npos);
}

TEST_CASE("transport: bodies stream from and to files")
{
  HttpServer server([](const test::HttpRequest& request) { return HttpResponse::text(200, "echo:" + request.body); });
  test::TempDir dir;
  auto source = dir.write("in.bin", "0123456789");
  test::FakeClock clock;
  NullLog log;
  auto transport = make_curl_transport(fast_options(), clock, log);
  Request request;
  request.method = "PUT";
  request.url = server.url() + "/upload";
  request.body_file = Request::FileRange{source, 2, 5};
  request.response_file = dir / "out.txt";
  auto response = transport->perform(request);
  CHECK(response.status == 200);
  CHECK(response.body.empty());
  CHECK(test::slurp(dir / "out.txt") == "echo:23456");
}

TEST_CASE("transport: path_as_is sends dot segments unchanged")
{
  HttpServer server([](const test::HttpRequest& request) { return HttpResponse::text(200, request.target); });
  test::FakeClock clock;
  NullLog log;
  auto transport = make_curl_transport(fast_options(), clock, log);
  Request request;
  request.url = server.url() + "/bucket/a/./b/../c";
  CHECK(transport->perform(request).body == "/bucket/a/c");
  request.path_as_is = true;
  CHECK(transport->perform(request).body == "/bucket/a/./b/../c");
}
