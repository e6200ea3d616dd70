#pragma once

#include "support/daemon.hpp"
#include "support/http_server.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace credguard::test {

// A /metrics endpoint (Prometheus text exposition format 0.0.4) whose
// samples the test sets, served by HttpServer on 127.0.0.1.
class Exporter {
public:
  Exporter();
  // Sets one sample: `series` is a name with optional labels, e.g.
  // http_requests_total{status="500"}.
  void set(const std::string& series, double value);
  // A counter that grows by `per_second` from now on, so rate() sees it.
  void set_counter(const std::string& series, double per_second);
  void remove(const std::string& series);
  // host:port, for a scrape configuration.
  std::string target() const;

private:
  std::string render() const;

  struct Counter {
    double per_second = 0;
    std::chrono::steady_clock::time_point since;
  };
  mutable std::mutex m_mutex;
  std::map<std::string, double> m_samples;
  std::map<std::string, Counter> m_counters;
  HttpServer m_server;
};

// A real Prometheus (Debian prometheus) on 127.0.0.1 and a free port, its
// storage in a new temporary directory, scraping `target` every second
// (job "credguard-test"). Stopped, and its directory removed, when the
// object goes away.
class PrometheusServer {
public:
  // Starts it and waits until its API answers. Throws std::runtime_error
  // with its log when it does not come up.
  explicit PrometheusServer(const std::string& target);
  ~PrometheusServer();
  PrometheusServer(const PrometheusServer&) = delete;
  PrometheusServer& operator=(const PrometheusServer&) = delete;

  // http://127.0.0.1:PORT
  std::string url() const;
  int port() const { return m_port; }
  // The value of `promql` once `accept` holds for it (first sample of a
  // vector, or the scalar); nullopt when that does not happen in `timeout`.
  std::optional<double> wait_for(const std::string& promql, const std::function<bool(double)>& accept,
                                 std::chrono::seconds timeout = std::chrono::seconds(30)) const;

private:
  std::filesystem::path m_dir;
  int m_port = 0;
  std::unique_ptr<Daemon> m_daemon;
};

// GET http://127.0.0.1:PORT/TARGET with a plain socket: status and body
// (status 0 when nothing answered). For test setup only.
std::pair<int, std::string> loopback_get(int port, const std::string& target);

} // namespace credguard::test
