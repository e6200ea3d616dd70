#include <credguard/core/time_format.hpp>
#include <credguard/http/retry.hpp>

#include <catch2/catch.hpp>

using namespace credguard;
using namespace credguard::http;

namespace {

RetryPolicy pinned(double random = 0.0)
{
  RetryPolicy policy;
  policy.random = [random] { return random; };
  return policy;
}

Response status(long code)
{
  Response response;
  response.status = code;
  return response;
}

Response failed(TransportError error)
{
  Response response;
  response.error = error;
  return response;
}

const SystemTime k_now = *parse_rfc3339("2026-11-23T08:00:00Z");

} // namespace

TEST_CASE("retry: idempotent requests retry on 5xx and timeouts with growing, jittered backoff")
{
  Request get;
  auto policy = pinned(0.0);
  CHECK(retry_delay(policy, get, status(503), 1, k_now) == Millis(100)); // half of 200ms
  CHECK(retry_delay(policy, get, status(503), 2, k_now) == Millis(200)); // half of 400ms
  CHECK(retry_delay(pinned(0.999), get, status(502), 1, k_now) >= Millis(199));
  CHECK(retry_delay(policy, get, failed(TransportError::timeout), 1, k_now));
  CHECK(retry_delay(policy, get, failed(TransportError::network), 1, k_now));
  CHECK_FALSE(retry_delay(policy, get, status(503), 3, k_now)); // max_attempts reached
}

TEST_CASE("retry: backoff is capped")
{
  Request get;
  RetryPolicy policy = pinned(0.999);
  policy.max_attempts = 30;
  CHECK(*retry_delay(policy, get, status(503), 20, k_now) <= policy.max_delay);
}

TEST_CASE("retry: non-idempotent requests are not retried after they may have been processed")
{
  Request post;
  post.method = "POST";
  auto policy = pinned();
  CHECK_FALSE(retry_delay(policy, post, status(503), 1, k_now));
  CHECK_FALSE(retry_delay(policy, post, status(500), 1, k_now));
  CHECK_FALSE(retry_delay(policy, post, failed(TransportError::timeout), 1, k_now));
  CHECK_FALSE(retry_delay(policy, post, failed(TransportError::network), 1, k_now));
  // Never sent, or explicitly not processed: safe.
  CHECK(retry_delay(policy, post, failed(TransportError::connect), 1, k_now));
  CHECK(retry_delay(policy, post, status(429), 1, k_now));
  Request patch;
  patch.method = "PATCH";
  CHECK_FALSE(retry_delay(policy, patch, status(502), 1, k_now));
  post.idempotent = true;
  CHECK(retry_delay(policy, post, status(503), 1, k_now));
}

TEST_CASE("retry: some failures are never retried")
{
  Request get;
  auto policy = pinned();
  CHECK_FALSE(retry_delay(policy, get, status(404), 1, k_now));
  CHECK_FALSE(retry_delay(policy, get, status(400), 1, k_now));
  CHECK_FALSE(retry_delay(policy, get, status(501), 1, k_now));
  CHECK_FALSE(retry_delay(policy, get, failed(TransportError::tls), 1, k_now));
}

TEST_CASE("retry: Retry-After is honoured in seconds and as a date, and a long one is not waited for")
{
  Request get;
  auto policy = pinned();
  auto busy = status(429);
  busy.headers.push_back({"Retry-After", "3"});
  CHECK(retry_delay(policy, get, busy, 1, k_now) == Millis(3000));
  busy.headers[0].value = "Mon, 23 Nov 2026 08:00:07 GMT";
  CHECK(retry_delay(policy, get, busy, 1, k_now) == Millis(7000));
  busy.headers[0].value = "3600";
  CHECK_FALSE(retry_delay(policy, get, busy, 1, k_now));
  CHECK(parse_retry_after("soon", k_now) == std::nullopt);
}
