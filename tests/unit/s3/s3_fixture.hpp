#pragma once

// Shared by the s3 tests: a client on the test gateway (support/radosgw.hpp),
// a log that keeps its lines, and a transport that records requests.

#include "support/radosgw.hpp"
#include "support/temp_dir.hpp"

#include <credguard/core/clock.hpp>
#include <credguard/core/log.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/http/transport.hpp>
#include <credguard/s3/client.hpp>

#include <fstream>
#include <mutex>
#include <random>
#include <string>
#include <vector>

namespace credguard::test {

// Keeps every line, at every level.
class RecordingLog final : public Log {
public:
  bool enabled(LogLevel) const override { return true; }
  void write(LogLevel, std::string_view message) override
  {
    std::lock_guard lock(m_mutex);
    m_text += std::string(message) + "\n";
  }
  std::string text() const
  {
    std::lock_guard lock(m_mutex);
    return m_text;
  }

private:
  mutable std::mutex m_mutex;
  std::string m_text;
};

// Passes requests to a real transport and remembers them; `rewrite` may
// alter a request on its way (corruption in transit).
class RecordingTransport final : public http::Transport {
public:
  explicit RecordingTransport(http::Transport& inner)
    : m_inner(inner)
  {}
  std::vector<http::Response> perform_all(std::span<const http::Request> requests,
                                          const http::FanOutOptions& options) override
  {
    std::vector<http::Request> sent(requests.begin(), requests.end());
    {
      std::lock_guard lock(m_mutex);
      for (auto& request : sent) {
        if (rewrite) {
          rewrite(request);
        }
        m_requests.push_back(request);
      }
    }
    return m_inner.perform_all(sent, options);
  }
  std::vector<http::Request> requests() const
  {
    std::lock_guard lock(m_mutex);
    return m_requests;
  }
  void clear()
  {
    std::lock_guard lock(m_mutex);
    m_requests.clear();
  }

  std::function<void(http::Request&)> rewrite;

private:
  http::Transport& m_inner;
  mutable std::mutex m_mutex;
  std::vector<http::Request> m_requests;
};

// The first header named `name` of a request, case-insensitively.
inline std::optional<std::string> header_of(const http::Request& request, std::string_view name)
{
  for (const auto& header : request.headers) {
    if (iequals(header.name, name)) {
      return header.value;
    }
  }
  return std::nullopt;
}

inline http::TransportOptions quick_transport_options()
{
  http::TransportOptions options;
  options.timeout = Millis(60'000);
  options.connect_timeout = Millis(5000);
  options.retry.max_attempts = 3;
  options.retry.base_delay = Millis(20);
  options.retry.max_delay = Millis(100);
  return options;
}

// Client options for the gateway, with parts small enough for tests (5 MiB
// is the smallest part S3 and radosgw accept).
inline s3::ClientOptions gateway_options(const RadosGwInfo& gateway)
{
  s3::ClientOptions options;
  options.endpoint = gateway.endpoint;
  options.region = gateway.region;
  options.addressing = s3::Addressing::path;
  options.part_size = 5ULL << 20;
  options.multipart_threshold = 6ULL << 20;
  options.copy_part_size = 5ULL << 20;
  options.multipart_copy_threshold = 6ULL << 20;
  options.max_concurrency = 2;
  return options;
}

inline s3::Credentials gateway_credentials(const RadosGwInfo& gateway)
{
  s3::Credentials credentials;
  credentials.access_key_id = gateway.access_key;
  credentials.secret_access_key = Secret(gateway.secret_key);
  credentials.source = "test gateway";
  return credentials;
}

// A client on the test gateway through a recording transport.
struct GatewayClient {
  explicit GatewayClient(s3::ClientOptions options = gateway_options(radosgw()),
                         s3::Credentials credentials = gateway_credentials(radosgw()))
    : inner(http::make_curl_transport(quick_transport_options(), clock, log))
    , transport(*inner)
    , client(std::move(options), std::make_shared<s3::StaticCredentialProvider>(std::move(credentials)), transport,
             clock, log)
  {}

  SystemClock clock;
  RecordingLog log;
  std::unique_ptr<http::Transport> inner;
  RecordingTransport transport;
  s3::Client client;
};

// A file of `size` pseudo-random bytes.
inline std::filesystem::path random_file(const TempDir& dir, const std::string& name, std::size_t size,
                                         unsigned seed = 1)
{
  std::mt19937 generator(seed);
  std::string data(size, '\0');
  for (auto& c : data) {
    c = static_cast<char>(generator() & 0xff);
  }
  return dir.write(name, data);
}

} // namespace credguard::test
