#pragma once

#include "support/daemon.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace credguard::test {

// The account the code under test uses; root is only for test setup. The
// password is a fixture secret that tests look for in outputs.
inline constexpr const char* k_mariadb_user = "credguard";
inline constexpr const char* k_mariadb_password = "db-fixture-secret-3b9d";

// Where a test MariaDB server listens.
struct MariaDbEndpoint {
  int port = 0;
  std::string socket;
  std::filesystem::path dir; // its data directory's parent, removed on stop
  pid_t pid = -1;
};

// A real MariaDB server (Debian mariadb-server): mariadb-install-db into a
// new directory, then mariadbd --no-defaults on 127.0.0.1 with a free port
// and its own socket, max_connections 100, and the `credguard` account.
class MariaDbServer {
public:
  // Starts it and waits until it accepts connections; `extra_args` are
  // appended to mariadbd's command line (later settings win, e.g. a larger
  // --innodb-buffer-pool-size for a benchmark). Throws std::runtime_error
  // with the server's log when it does not come up.
  explicit MariaDbServer(const std::vector<std::string>& extra_args = {});
  // Stops it and removes its directory.
  ~MariaDbServer();
  MariaDbServer(const MariaDbServer&) = delete;
  MariaDbServer& operator=(const MariaDbServer&) = delete;

  const MariaDbEndpoint& endpoint() const { return m_endpoint; }
  // Leaves it running after this object is gone (the ctest fixture's
  // setup); stop it with stop_mariadb().
  MariaDbEndpoint release();

private:
  MariaDbEndpoint m_endpoint;
  std::unique_ptr<Daemon> m_daemon;
};

// Stops a released server and removes its directory.
void stop_mariadb(const MariaDbEndpoint& endpoint);

// Writes/reads the endpoint as "key=value" lines (the fixture's info file).
void write_endpoint(const std::filesystem::path& file, const MariaDbEndpoint& endpoint);
MariaDbEndpoint read_endpoint(const std::filesystem::path& file);

// Runs `sql` as root with the mariadb command-line client over the socket,
// in `database` when given; returns its tab-separated output. Throws
// std::runtime_error with the client's message when a statement fails.
std::string mariadb_sql(const MariaDbEndpoint& server, const std::string& sql, const std::string& database = "");

// The server of this test process: the one the ctest fixture started (its
// info file named by $CREDGUARD_TEST_MARIADB), else one started on first
// use and stopped when the process exits.
const MariaDbEndpoint& shared_mariadb();

// A database of its own, created with the platform's schema
// (tests/fixtures/platform_schema.sql) and dropped when the object goes
// away, so tests sharing a server do not see each other's rows.
class PlatformDatabase {
public:
  explicit PlatformDatabase(const MariaDbEndpoint& server = shared_mariadb());
  ~PlatformDatabase();
  PlatformDatabase(const PlatformDatabase&) = delete;
  PlatformDatabase& operator=(const PlatformDatabase&) = delete;

  const std::string& name() const { return m_name; }
  const MariaDbEndpoint& server() const { return m_server; }
  // Runs statements in this database as root; returns the output.
  std::string sql(const std::string& statements) const;
  // A credguard `mysql:` configuration section for this database over
  // TCP, the password given as `password_ref` (env:NAME or file:/path).
  std::string config_yaml(const std::string& password_ref) const;

private:
  MariaDbEndpoint m_server;
  std::string m_name;
};

} // namespace credguard::test
