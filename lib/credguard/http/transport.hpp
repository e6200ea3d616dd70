#pragma once

#include <credguard/core/clock.hpp>
#include <credguard/core/log.hpp>
#include <credguard/core/secret.hpp>
#include <credguard/http/message.hpp>
#include <credguard/http/retry.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace credguard::http {

// How a transport connects. TLS verification is on unless `insecure`.
struct TransportOptions {
  Millis connect_timeout{5000};
  Millis timeout{30'000};
  std::string ca_bundle; // CA file; empty = the system's
  std::string ca_pem;    // CA certificates as PEM text (kubeconfig data)
  std::string client_cert_pem;
  Secret client_key_pem;
  bool insecure = false;
  std::string user_agent = "credguard";
  RetryPolicy retry;
  // Set when Ctrl-C was pressed: transfers stop with TransportError::interrupted.
  const std::atomic<bool>* interrupted = nullptr;
  // An answer beyond these stops with TransportError::other naming the limit.
  std::size_t max_body_bytes = k_max_response_body_bytes; // bodies held in memory
  std::size_t max_header_bytes = k_max_response_header_bytes;
};

// Limits for perform_all().
struct FanOutOptions {
  std::size_t max_concurrency = 32;
  // Called as each request finishes (after its retries), from the calling
  // thread; for progress reporting.
  std::function<void(std::size_t index, const Response&)> on_done = nullptr;
};

// Sends HTTP requests. Implementations retry per their RetryPolicy and log
// each exchange at debug level with URLs and credentials redacted.
class Transport {
public:
  virtual ~Transport() = default;
  // Sends every request, up to max_concurrency at once, and returns the
  // responses in the order of `requests`. Never throws for HTTP or network
  // failures: those are in each Response.
  virtual std::vector<Response> perform_all(std::span<const Request> requests, const FanOutOptions& options) = 0;

  Response perform(const Request& request) { return perform_all(std::span(&request, 1), FanOutOptions{})[0]; }
};

// The libcurl implementation (curl multi for fan-out).
std::unique_ptr<Transport> make_curl_transport(TransportOptions options, const Clock& clock, Log& log);

} // namespace credguard::http
