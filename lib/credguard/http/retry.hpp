#pragma once

#include <credguard/core/clock.hpp>
#include <credguard/http/message.hpp>

#include <functional>
#include <optional>

namespace credguard::http {

// When to try a request again and how long to wait first.
struct RetryPolicy {
  int max_attempts = 3;           // first try included
  Millis base_delay{200};         // doubled after each attempt...
  Millis max_delay{5000};         // ...up to this
  Millis max_retry_after{60'000}; // a longer Retry-After is not waited for
  // Uniform random number in [0, 1), for jitter. Tests pin it.
  std::function<double()> random = nullptr;
};

// Returns how long to wait before attempt `attempt + 1` after `response`
// ended attempt `attempt` (1-based), or nullopt when not to retry:
// - connection never made (dns, connect): always retried, nothing was sent;
// - 429: retried, the server says it did not process the request;
// - timeouts, broken connections, 500/502/503/504: only when idempotent;
// - TLS failures and other statuses: never.
// Honours Retry-After (seconds or an HTTP date, relative to `now`).
std::optional<Millis> retry_delay(const RetryPolicy& policy, const Request& request, const Response& response,
                                  int attempt, SystemTime now);

// Parses a Retry-After value: delta-seconds or an IMF-fixdate.
std::optional<Millis> parse_retry_after(std::string_view value, SystemTime now);

} // namespace credguard::http
