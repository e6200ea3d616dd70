#include "support/http_server.hpp"

#include <credguard/core/strings.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <arpa/inet.h>
#include <csignal>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <set>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

namespace credguard::test {

namespace {

const char* reason(int status)
{
  switch (status) {
  case 200: return "OK";
  case 201: return "Created";
  case 204: return "No Content";
  case 400: return "Bad Request";
  case 401: return "Unauthorized";
  case 403: return "Forbidden";
  case 404: return "Not Found";
  case 409: return "Conflict";
  case 429: return "Too Many Requests";
  case 500: return "Internal Server Error";
  case 502: return "Bad Gateway";
  case 503: return "Service Unavailable";
  case 504: return "Gateway Timeout";
  default: return "Status";
  }
}

// A connection, plain or TLS.
class Connection {
public:
  Connection(int fd, SSL_CTX* tls)
    : m_fd(fd)
  {
    if (tls != nullptr) {
      m_ssl = SSL_new(tls);
      SSL_set_fd(m_ssl, fd);
      if (SSL_accept(m_ssl) <= 0) {
        m_broken = true;
      }
    }
  }
  ~Connection()
  {
    if (m_ssl != nullptr) {
      SSL_shutdown(m_ssl);
      SSL_free(m_ssl);
    }
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  bool broken() const { return m_broken; }

  // The CN of a verified client certificate, or "".
  std::string client_subject() const
  {
    if (m_ssl == nullptr || SSL_get_verify_result(m_ssl) != X509_V_OK) {
      return "";
    }
    X509* peer = SSL_get1_peer_certificate(m_ssl);
    if (peer == nullptr) {
      return "";
    }
    char name[256] = {};
    X509_NAME_get_text_by_NID(X509_get_subject_name(peer), NID_commonName, name, sizeof name);
    X509_free(peer);
    return name;
  }

  long read_some(char* buffer, std::size_t size)
  {
    if (m_ssl != nullptr) {
      int n = SSL_read(m_ssl, buffer, static_cast<int>(size));
      return n <= 0 ? -1 : n;
    }
    return ::recv(m_fd, buffer, size, 0);
  }

  bool write_all(const std::string& data)
  {
    std::size_t sent = 0;
    while (sent < data.size()) {
      long n = m_ssl != nullptr ? SSL_write(m_ssl, data.data() + sent, static_cast<int>(data.size() - sent))
                                : ::send(m_fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) {
        return false;
      }
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }

private:
  int m_fd;
  SSL* m_ssl = nullptr;
  bool m_broken = false;
};

} // namespace

struct HttpServer::Impl {
  HttpHandler handler;
  SSL_CTX* tls = nullptr;
  int listen_fd = -1;
  std::thread acceptor;
  mutable std::mutex mutex;
  std::vector<std::thread> workers;
  std::set<int> open_fds;
  std::vector<HttpRequest> requests;
};

std::optional<std::string> HttpRequest::header(const std::string& name) const
{
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) {
      return value;
    }
  }
  return std::nullopt;
}

std::optional<std::string> HttpRequest::param(const std::string& name) const
{
  for (const auto& pair : split(query, '&')) {
    auto eq = pair.find('=');
    if (url_decode(pair.substr(0, eq)) == name) {
      return eq == std::string::npos ? "" : url_decode(pair.substr(eq + 1));
    }
  }
  return std::nullopt;
}

HttpResponse HttpResponse::json(int status, const std::string& body)
{
  return HttpResponse{status, {{"Content-Type", "application/json"}}, body, {}, false};
}

HttpResponse HttpResponse::text(int status, const std::string& body)
{
  return HttpResponse{status, {{"Content-Type", "text/plain"}}, body, {}, false};
}

std::string url_decode(const std::string& text)
{
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else if (text[i] == '+') {
      out += ' ';
    } else {
      out += text[i];
    }
  }
  return out;
}

HttpServer::HttpServer(HttpHandler handler, std::optional<CertPair> tls, std::optional<std::string> client_ca_pem)
  : m_impl(std::make_unique<Impl>())
{
  m_impl->handler = std::move(handler);
  if (tls) {
    // SSL_write to a client that already hung up raises SIGPIPE, which
    // would kill the whole test binary; plain sends use MSG_NOSIGNAL.
    std::signal(SIGPIPE, SIG_IGN);
    m_impl->tls = SSL_CTX_new(TLS_server_method());
    BIO* cert_bio = BIO_new_mem_buf(tls->cert_pem.data(), static_cast<int>(tls->cert_pem.size()));
    X509* cert = PEM_read_bio_X509(cert_bio, nullptr, nullptr, nullptr);
    BIO* key_bio = BIO_new_mem_buf(tls->key_pem.data(), static_cast<int>(tls->key_pem.size()));
    EVP_PKEY* key = PEM_read_bio_PrivateKey(key_bio, nullptr, nullptr, nullptr);
    SSL_CTX_use_certificate(m_impl->tls, cert);
    SSL_CTX_use_PrivateKey(m_impl->tls, key);
    X509_free(cert);
    EVP_PKEY_free(key);
    BIO_free(cert_bio);
    BIO_free(key_bio);
    if (client_ca_pem) {
      BIO* ca_bio = BIO_new_mem_buf(client_ca_pem->data(), static_cast<int>(client_ca_pem->size()));
      X509* ca = PEM_read_bio_X509(ca_bio, nullptr, nullptr, nullptr);
      X509_STORE_add_cert(SSL_CTX_get_cert_store(m_impl->tls), ca);
      X509_free(ca);
      BIO_free(ca_bio);
      // Ask for a certificate but accept none, as the Kubernetes API server
      // does (the client may use a token instead); verify it when given.
      SSL_CTX_set_verify(m_impl->tls, SSL_VERIFY_PEER, [](int, X509_STORE_CTX*) { return 1; });
    }
  }
  m_impl->listen_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int yes = 1;
  ::setsockopt(m_impl->listen_fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  if (::bind(m_impl->listen_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(m_impl->listen_fd, 1024) != 0) {
    throw std::runtime_error(std::string("test server: bind/listen: ") + std::strerror(errno));
  }
  socklen_t length = sizeof address;
  ::getsockname(m_impl->listen_fd, reinterpret_cast<sockaddr*>(&address), &length);
  m_port = ntohs(address.sin_port);
  m_impl->acceptor = std::thread([this] { accept_loop(); });
}

HttpServer::~HttpServer()
{
  stop();
  if (m_impl->tls != nullptr) {
    SSL_CTX_free(m_impl->tls);
  }
}

std::string HttpServer::url() const
{
  return std::string(m_impl->tls != nullptr ? "https" : "http") + "://127.0.0.1:" + std::to_string(m_port);
}

std::vector<HttpRequest> HttpServer::requests() const
{
  std::lock_guard lock(m_impl->mutex);
  return m_impl->requests;
}

std::size_t HttpServer::request_count() const
{
  std::lock_guard lock(m_impl->mutex);
  return m_impl->requests.size();
}

void HttpServer::set_handler(HttpHandler handler)
{
  std::lock_guard lock(m_impl->mutex);
  m_impl->handler = std::move(handler);
}

void HttpServer::stop()
{
  if (m_stopping.exchange(true)) {
    return;
  }
  ::shutdown(m_impl->listen_fd, SHUT_RDWR);
  if (m_impl->acceptor.joinable()) {
    m_impl->acceptor.join();
  }
  ::close(m_impl->listen_fd);
  std::vector<std::thread> workers;
  {
    std::lock_guard lock(m_impl->mutex);
    for (int fd : m_impl->open_fds) {
      ::shutdown(fd, SHUT_RDWR);
    }
    workers.swap(m_impl->workers);
  }
  for (auto& worker : workers) {
    worker.join();
  }
}

void HttpServer::accept_loop()
{
  while (!m_stopping) {
    pollfd pfd{m_impl->listen_fd, POLLIN, 0};
    if (::poll(&pfd, 1, 100) <= 0) {
      continue;
    }
    int fd = ::accept4(m_impl->listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      continue;
    }
    int yes = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    std::lock_guard lock(m_impl->mutex);
    if (m_stopping) {
      ::close(fd);
      break;
    }
    m_impl->open_fds.insert(fd);
    m_impl->workers.emplace_back([this, fd] { serve(fd); });
  }
}

void HttpServer::serve(int fd)
{
  {
    Connection connection(fd, m_impl->tls);
    std::string buffer;
    char chunk[16384];
    while (!connection.broken() && !m_stopping) {
      auto header_end = buffer.find("\r\n\r\n");
      while (header_end == std::string::npos) {
        long n = connection.read_some(chunk, sizeof chunk);
        if (n <= 0) {
          goto done;
        }
        buffer.append(chunk, static_cast<std::size_t>(n));
        header_end = buffer.find("\r\n\r\n");
      }
      HttpRequest request;
      request.client_subject = connection.client_subject();
      auto lines = split(buffer.substr(0, header_end), '\n');
      auto request_line = split(std::string(trim(lines[0])), ' ');
      if (request_line.size() < 2) {
        goto done;
      }
      request.method = request_line[0];
      request.target = request_line[1];
      auto question = request.target.find('?');
      request.path = url_decode(request.target.substr(0, question));
      request.query = question == std::string::npos ? "" : request.target.substr(question + 1);
      for (std::size_t i = 1; i < lines.size(); ++i) {
        auto colon = lines[i].find(':');
        if (colon != std::string::npos) {
          request.headers.emplace_back(std::string(trim(lines[i].substr(0, colon))),
                                       std::string(trim(lines[i].substr(colon + 1))));
        }
      }
      std::size_t length = 0;
      if (auto value = request.header("Content-Length")) {
        length = static_cast<std::size_t>(std::stoull(*value));
      }
      buffer.erase(0, header_end + 4);
      while (buffer.size() < length) {
        long n = connection.read_some(chunk, sizeof chunk);
        if (n <= 0) {
          goto done;
        }
        buffer.append(chunk, static_cast<std::size_t>(n));
      }
      request.body = buffer.substr(0, length);
      buffer.erase(0, length);

      HttpHandler handler;
      {
        std::lock_guard lock(m_impl->mutex);
        m_impl->requests.push_back(request);
        handler = m_impl->handler;
      }
      HttpResponse response = handler(request);
      for (auto waited = std::chrono::milliseconds(0); waited < response.delay && !m_stopping;
           waited += std::chrono::milliseconds(5)) {
        std::this_thread::sleep_for(std::min(std::chrono::milliseconds(5), response.delay - waited));
      }
      if (response.drop || m_stopping) {
        break;
      }
      std::string out = "HTTP/1.1 " + std::to_string(response.status) + " " + reason(response.status) + "\r\n";
      bool has_length = false;
      for (const auto& [name, value] : response.headers) {
        out += name + ": " + value + "\r\n";
        has_length = has_length || iequals(name, "Content-Length");
      }
      if (!has_length) {
        out += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
      }
      out += "\r\n";
      if (request.method != "HEAD") {
        out += response.body;
      }
      if (!connection.write_all(out)) {
        break;
      }
    }
  done:;
  }
  std::lock_guard lock(m_impl->mutex);
  m_impl->open_fds.erase(fd);
  ::close(fd);
}

} // namespace credguard::test
