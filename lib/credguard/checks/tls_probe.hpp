#pragma once

#include <credguard/core/clock.hpp>

#include <optional>
#include <string>

namespace credguard::checks {

// A TLS endpoint to look at: "host:port", "host" (port 443), "[v6]:port".
struct TlsEndpoint {
  std::string host;
  int port = 443;

  std::string text() const; // "host:port", brackets around IPv6
};

// Parses an endpoint; nullopt when malformed.
std::optional<TlsEndpoint> parse_tls_endpoint(const std::string& text);

struct TlsProbeOptions {
  std::string ca_bundle; // PEM file of trusted CAs; empty = the system's store
  Millis timeout{5000};  // connect plus handshake
  SystemTime now;        // verification time and the reference for days left
};

// What the server's certificate says.
struct TlsProbe {
  std::string error; // set when no certificate was obtained (connect/handshake)
  std::optional<SystemTime> not_after;
  std::string subject; // CN, or the whole subject
  std::string issuer;
  bool trusted = false;     // the chain verifies to a trusted CA and names the host
  std::string verify_error; // OpenSSL's reason when not trusted
  std::string protocol;     // TLSv1.3, ...
};

// Connects to `endpoint` (with SNI for names), completes the handshake and
// verifies the certificate chain against the CA bundle and the host name at
// `options.now`. Never throws for network or TLS problems: they are in
// `error` or `verify_error`.
TlsProbe probe_tls(const TlsEndpoint& endpoint, const TlsProbeOptions& options);

} // namespace credguard::checks
