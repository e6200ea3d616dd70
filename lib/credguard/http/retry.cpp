#include <credguard/core/strings.hpp>
#include <credguard/http/retry.hpp>

#include <algorithm>
#include <ctime>
#include <random>

namespace credguard::http {

namespace {

double default_random()
{
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

bool retryable_status(long status)
{
  return status == 500 || status == 502 || status == 503 || status == 504;
}

} // namespace

std::optional<Millis> parse_retry_after(std::string_view value, SystemTime now)
{
  value = trim(value);
  if (auto seconds = parse_int(value)) {
    return *seconds < 0 ? std::nullopt : std::optional<Millis>(Millis(*seconds * 1000));
  }
  std::tm tm{};
  std::string text(value);
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') {
    return std::nullopt;
  }
  auto when = std::chrono::system_clock::from_time_t(timegm(&tm));
  auto delta = std::chrono::duration_cast<Millis>(when - now);
  return std::max(delta, Millis(0));
}

std::optional<Millis> retry_delay(const RetryPolicy& policy, const Request& request, const Response& response,
                                  int attempt, SystemTime now)
{
  if (attempt >= policy.max_attempts) {
    return std::nullopt;
  }
  bool retry = false;
  switch (response.error) {
  case TransportError::dns:
  case TransportError::connect: retry = true; break;
  case TransportError::timeout:
  case TransportError::network: retry = request.is_idempotent(); break;
  case TransportError::none:
    retry = response.status == 429 || (retryable_status(response.status) && request.is_idempotent());
    break;
  case TransportError::tls:
  case TransportError::interrupted:
  case TransportError::other: retry = false; break;
  }
  if (!retry) {
    return std::nullopt;
  }
  if (response.transport_ok()) {
    if (auto header = response.header("Retry-After")) {
      if (auto wait = parse_retry_after(*header, now)) {
        if (*wait > policy.max_retry_after) {
          return std::nullopt;
        }
        return *wait;
      }
    }
  }
  auto exponent = std::min(attempt - 1, 20);
  Millis delay = std::min<Millis>(policy.base_delay * (1LL << exponent), policy.max_delay);
  double random = policy.random ? policy.random() : default_random();
  // Half fixed, half jitter: spreads retries of many clients without ever
  // retrying immediately.
  auto half = delay.count() / 2;
  return Millis(half + static_cast<Millis::rep>(random * static_cast<double>(delay.count() - half)));
}

} // namespace credguard::http
