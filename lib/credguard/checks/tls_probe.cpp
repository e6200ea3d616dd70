#include <credguard/checks/tls_probe.hpp>
#include <credguard/core/strings.hpp>

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <memory>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace credguard::checks {

namespace {

using CtxPtr = std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)>;
using SslPtr = std::unique_ptr<SSL, decltype(&SSL_free)>;
using CertPtr = std::unique_ptr<X509, decltype(&X509_free)>;

// Closes the socket when it goes away.
struct Socket {
  int fd = -1;
  ~Socket()
  {
    if (fd >= 0) {
      ::close(fd);
    }
  }
};

int remaining_ms(SteadyTime deadline)
{
  auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now()).count();
  return static_cast<int>(std::max<long long>(0, left));
}

bool wait_for(int fd, short events, SteadyTime deadline)
{
  pollfd pfd{fd, events, 0};
  int ready = 0;
  do {
    ready = ::poll(&pfd, 1, remaining_ms(deadline));
  } while (ready < 0 && errno == EINTR);
  return ready > 0;
}

// Connects to the first address that answers; returns the error otherwise.
std::string connect_to(const TlsEndpoint& endpoint, Socket& socket, SteadyTime deadline)
{
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  int rc = ::getaddrinfo(endpoint.host.c_str(), std::to_string(endpoint.port).c_str(), &hints, &found);
  if (rc != 0) {
    return fmt::format("cannot resolve {}: {}", endpoint.host, gai_strerror(rc));
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> addresses(found, freeaddrinfo);
  std::string error = "no address";
  for (addrinfo* address = found; address != nullptr; address = address->ai_next) {
    Socket candidate;
    candidate.fd = ::socket(address->ai_family, address->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (candidate.fd < 0) {
      error = std::strerror(errno);
      continue;
    }
    if (::connect(candidate.fd, address->ai_addr, address->ai_addrlen) != 0 && errno != EINPROGRESS) {
      error = fmt::format("connect: {}", std::strerror(errno));
      continue;
    }
    if (!wait_for(candidate.fd, POLLOUT, deadline)) {
      error = "connect: timed out";
      continue;
    }
    int so_error = 0;
    socklen_t length = sizeof so_error;
    ::getsockopt(candidate.fd, SOL_SOCKET, SO_ERROR, &so_error, &length);
    if (so_error != 0) {
      error = fmt::format("connect: {}", std::strerror(so_error));
      continue;
    }
    socket.fd = candidate.fd;
    candidate.fd = -1;
    return "";
  }
  return error;
}

std::string name_text(X509_NAME* name)
{
  char cn[256] = {};
  if (X509_NAME_get_text_by_NID(name, NID_commonName, cn, sizeof cn) > 0) {
    return cn;
  }
  char* line = X509_NAME_oneline(name, nullptr, 0);
  std::string out = line != nullptr ? line : "";
  OPENSSL_free(line);
  return out;
}

std::string openssl_error(const char* what)
{
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) {
    return what;
  }
  char buffer[256];
  ERR_error_string_n(code, buffer, sizeof buffer);
  return fmt::format("{}: {}", what, buffer);
}

bool is_ip(const std::string& host)
{
  in6_addr ignored{};
  return ::inet_pton(AF_INET, host.c_str(), &ignored) == 1 || ::inet_pton(AF_INET6, host.c_str(), &ignored) == 1;
}

} // namespace

std::string TlsEndpoint::text() const
{
  return host.find(':') != std::string::npos ? fmt::format("[{}]:{}", host, port) : fmt::format("{}:{}", host, port);
}

std::optional<TlsEndpoint> parse_tls_endpoint(const std::string& text)
{
  TlsEndpoint endpoint;
  std::string port;
  if (text.starts_with("[")) {
    auto close = text.find(']');
    if (close == std::string::npos) {
      return std::nullopt;
    }
    endpoint.host = text.substr(1, close - 1);
    if (close + 1 < text.size()) {
      if (text[close + 1] != ':') {
        return std::nullopt;
      }
      port = text.substr(close + 2);
    }
  } else {
    auto colon = text.rfind(':');
    endpoint.host = text.substr(0, colon);
    if (colon != std::string::npos) {
      port = text.substr(colon + 1);
    }
  }
  if (!port.empty()) {
    auto value = parse_int(port);
    if (!value || *value < 1 || *value > 65535) {
      return std::nullopt;
    }
    endpoint.port = static_cast<int>(*value);
  }
  if (endpoint.host.empty() || endpoint.host.find_first_of(" /") != std::string::npos) {
    return std::nullopt;
  }
  return endpoint;
}

TlsProbe probe_tls(const TlsEndpoint& endpoint, const TlsProbeOptions& options)
{
  TlsProbe probe;
  const SteadyTime deadline = std::chrono::steady_clock::now() + options.timeout;
  CtxPtr ctx(SSL_CTX_new(TLS_client_method()), SSL_CTX_free);
  if (!ctx) {
    probe.error = openssl_error("SSL_CTX_new");
    return probe;
  }
  // Verify without aborting the handshake: an untrusted or expired
  // certificate is still read, to report its expiry.
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
  int loaded = options.ca_bundle.empty() ? SSL_CTX_set_default_verify_paths(ctx.get())
                                         : SSL_CTX_load_verify_locations(ctx.get(), options.ca_bundle.c_str(), nullptr);
  if (loaded != 1) {
    probe.error = openssl_error(("cannot load CA bundle " + options.ca_bundle).c_str());
    return probe;
  }
  Socket socket;
  if (auto error = connect_to(endpoint, socket, deadline); !error.empty()) {
    probe.error = error;
    return probe;
  }
  SslPtr ssl(SSL_new(ctx.get()), SSL_free);
  SSL_set_fd(ssl.get(), socket.fd);
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl.get());
  X509_VERIFY_PARAM_set_time(param, std::chrono::system_clock::to_time_t(options.now));
  if (is_ip(endpoint.host)) {
    X509_VERIFY_PARAM_set1_ip_asc(param, endpoint.host.c_str());
  } else {
    // SSL_set_tlsext_host_name, without the macro's C cast.
    SSL_ctrl(ssl.get(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
             const_cast<char*>(endpoint.host.c_str()));
    X509_VERIFY_PARAM_set1_host(param, endpoint.host.c_str(), 0);
  }
  for (;;) {
    int rc = SSL_connect(ssl.get());
    if (rc == 1) {
      break;
    }
    int reason = SSL_get_error(ssl.get(), rc);
    short events = reason == SSL_ERROR_WANT_READ ? POLLIN : reason == SSL_ERROR_WANT_WRITE ? POLLOUT : 0;
    if (events == 0) {
      probe.error = openssl_error("TLS handshake failed");
      return probe;
    }
    if (!wait_for(socket.fd, events, deadline)) {
      probe.error = "TLS handshake: timed out";
      return probe;
    }
  }
  probe.protocol = SSL_get_version(ssl.get());
  CertPtr cert(SSL_get1_peer_certificate(ssl.get()), X509_free);
  if (!cert) {
    probe.error = "the server sent no certificate";
    return probe;
  }
  std::tm tm{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert.get()), &tm) == 1) {
    probe.not_after = std::chrono::system_clock::from_time_t(timegm(&tm));
  }
  probe.subject = name_text(X509_get_subject_name(cert.get()));
  probe.issuer = name_text(X509_get_issuer_name(cert.get()));
  long verdict = SSL_get_verify_result(ssl.get());
  probe.trusted = verdict == X509_V_OK;
  if (!probe.trusted) {
    probe.verify_error = X509_verify_cert_error_string(verdict);
  }
  return probe; // no close_notify: a peer that already left would raise SIGPIPE
}

} // namespace credguard::checks
