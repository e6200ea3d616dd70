#pragma once

#include "support/certs.hpp"

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace credguard::test {

struct HttpRequest {
  std::string method;
  std::string target; // path and query as sent
  std::string path;   // decoded path
  std::string query;  // raw query string, without '?'
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // The common name of the client certificate, when the server was given a
  // client CA and the client presented a certificate that CA signed.
  std::string client_subject;

  // The first header named `name`, case-insensitively.
  std::optional<std::string> header(const std::string& name) const;
  // The decoded value of query parameter `name`.
  std::optional<std::string> param(const std::string& name) const;
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds delay{0}; // wait before answering
  bool drop = false;                  // close the connection without answering

  static HttpResponse json(int status, const std::string& body);
  static HttpResponse text(int status, const std::string& body);
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

// An HTTP/1.1 server on 127.0.0.1 and a port the kernel picks, optionally
// with TLS (and then, with `client_ca_pem`, client certificates: asked for,
// optional, verified against that CA), one thread per connection,
// keep-alive. Records every request.
// Used by tests in place of servers that cannot run here; the handlers
// follow the real APIs' documented behaviour.
class HttpServer {
public:
  explicit HttpServer(HttpHandler handler, std::optional<CertPair> tls = std::nullopt,
                      std::optional<std::string> client_ca_pem = std::nullopt);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const { return m_port; }
  // "http://127.0.0.1:PORT" (https with TLS).
  std::string url() const;
  std::vector<HttpRequest> requests() const;
  std::size_t request_count() const;
  void set_handler(HttpHandler handler);
  void stop();

private:
  void accept_loop();
  void serve(int fd);

  struct Impl;
  std::unique_ptr<Impl> m_impl;
  int m_port = 0;
  std::atomic<bool> m_stopping{false};
};

// Decodes %XX and '+' in a URL component.
std::string url_decode(const std::string& text);

} // namespace credguard::test
