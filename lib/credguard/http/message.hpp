#pragma once

#include <credguard/core/clock.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace credguard::http {

struct Header {
  std::string name;
  std::string value;
};

// Why a request got no HTTP answer.
enum class TransportError {
  none,
  dns,     // the name did not resolve
  connect, // no connection was made: the request was never sent
  timeout, // connected, but the answer did not arrive in time
  tls,     // certificate or handshake failure: never retried
  network, // the connection broke mid-exchange
  interrupted,
  other,
};

std::string_view to_string(TransportError error);

// The most of an answer held in memory: its body (unless streamed to a
// file) and its header lines. Past them the transfer stops with
// TransportError::other, the message naming the limit.
constexpr std::size_t k_max_response_body_bytes = 256 * 1024 * 1024;
constexpr std::size_t k_max_response_header_bytes = 1024 * 1024;

// A request. Bodies are in memory, or streamed from a file range.
struct Request {
  std::string method = "GET";
  std::string url;
  std::vector<Header> headers;
  std::string body;

  struct FileRange {
    std::filesystem::path path;
    std::uint64_t offset = 0;
    std::optional<std::uint64_t> length; // default: to the end of the file
  };
  std::optional<FileRange> body_file;
  // Write the response body here instead of into Response::body.
  std::optional<std::filesystem::path> response_file;
  // Send the URL's path exactly as given: no removal of "." and ".."
  // segments (S3 object keys may contain them, and the path is signed).
  bool path_as_is = false;

  std::optional<Millis> timeout;         // default: the transport's
  std::optional<Millis> connect_timeout; // default: the transport's
  // Whether a retry after a timeout or a 5xx is safe. Default: true for
  // GET, HEAD, PUT, DELETE, OPTIONS and PURGE; false for POST and PATCH.
  std::optional<bool> idempotent;

  bool is_idempotent() const;
  Request& header(std::string name, std::string value);
};

// An answer: an HTTP status (4xx/5xx are data, not exceptions) or a
// transport error with status 0.
struct Response {
  long status = 0;
  std::vector<Header> headers;
  std::string body;
  TransportError error = TransportError::none;
  std::string error_message; // curl's description, when error != none
  int attempts = 0;
  Millis elapsed{0}; // across all attempts, including backoff

  bool transport_ok() const { return error == TransportError::none; }
  // 2xx.
  bool ok() const { return transport_ok() && status >= 200 && status < 300; }
  // The first header named `name`, compared case-insensitively.
  std::optional<std::string> header(std::string_view name) const;
};

// One line describing a failed exchange for error messages, with the URL
// redacted: "GET https://h/p: connection refused" or "...: HTTP 503: body".
std::string describe_failure(const Request& request, const Response& response);

} // namespace credguard::http
