#pragma once

#include "support/mariadb.hpp"

#include <credguard/checks/engine.hpp>
#include <credguard/core/error.hpp>
#include <credguard/http/transport.hpp>
#include <credguard/mysql/client.hpp>
#include <credguard/prometheus/client.hpp>

#include <catch2/catch.hpp>

#include <memory>
#include <string>

namespace credguard::test {

// Real clients for the checks: MariaDB Connector/C, the curl transport and
// the Prometheus client over it. A client that was not set up throws like
// an unconfigured context does.
class ServiceClients final : public checks::Clients {
public:
  ServiceClients(const Clock& clock, Log& log)
  {
    http::TransportOptions options;
    options.retry.max_attempts = 1;
    options.timeout = Millis(10'000);
    m_transport = http::make_curl_transport(options, clock, log);
  }

  void use_database(const PlatformDatabase& db)
  {
    mysql::ConnectOptions options;
    options.host = "127.0.0.1";
    options.port = static_cast<unsigned int>(db.server().port);
    options.user = k_mariadb_user;
    options.password = Secret(k_mariadb_password);
    options.database = db.name();
    options.connect_timeout = Millis(2000);
    options.read_timeout = Millis(5000);
    m_mysql = mysql::make_client(options);
  }
  void use_mysql(mysql::ConnectOptions options) { m_mysql = mysql::make_client(std::move(options)); }
  void use_prometheus(const std::string& url) { m_prometheus = prometheus::make_client(*m_transport, {url, {}}); }

  http::Transport& http() override { return *m_transport; }
  mysql::Client& mysql() override { return m_mysql ? *m_mysql : Clients::mysql(); }
  prometheus::Client& prometheus() override { return m_prometheus ? *m_prometheus : Clients::prometheus(); }

private:
  std::unique_ptr<http::Transport> m_transport;
  std::unique_ptr<mysql::Client> m_mysql;
  std::unique_ptr<prometheus::Client> m_prometheus;
};

// Runs runbook checks written inline against the real clients, with the
// real clock (the database's NOW() is real too).
struct ServiceRunner {
  inline static const MapEnv k_env{};
  inline static Redactor redactor;
  inline static SystemClock clock;
  inline static NullLog log;
  std::unique_ptr<Config> config = std::make_unique<Config>(Config::parse(
      "mysql:\n  host: 127.0.0.1\nprometheus:\n  url: http://127.0.0.1:9\n", "cfg.yaml", k_env, redactor));
  ServiceClients clients{clock, log};
  std::map<std::string, std::vector<checks::PastResult>, std::less<>> history;

  // `checks` is the YAML list under `checks:`; returns every result.
  std::vector<checks::CheckResult> run(const std::string& checks)
  {
    auto runbook = checks::parse_runbook("name: test\nchecks:\n" + checks, "rb.yaml", *config, Millis(15'000));
    static const auto k_kinds = checks::builtin_kinds(); // outlives a check left running
    checks::validate_runbook(runbook, k_kinds);
    checks::EngineContext context{*config, clock, log, clients, "/proc", history};
    return checks::run_runbook(runbook, k_kinds, context, {}).report.results;
  }

  checks::CheckResult run_one(const std::string& check)
  {
    auto results = run(check);
    REQUIRE(results.size() == 1);
    return results.front();
  }
};

} // namespace credguard::test
