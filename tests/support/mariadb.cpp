#include "support/mariadb.hpp"

#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <map>
#include <stdexcept>
#include <thread>
#include <unistd.h>

namespace credguard::test {

namespace {

std::string tail_of(const std::filesystem::path& file)
{
  try {
    auto text = slurp(file);
    return text.size() > 4000 ? text.substr(text.size() - 4000) : text;
  } catch (const std::exception&) {
    return "(no log)";
  }
}

ProcessResult client(const MariaDbEndpoint& server, const std::string& sql, const std::string& database)
{
  std::vector<std::string> argv = {find_program("mariadb"),     "--no-defaults", "--user=root",
                                   "--socket=" + server.socket, "--batch",       "--skip-column-names"};
  if (!database.empty()) {
    argv.push_back(database);
  }
  return run_process(argv, base_env(), sql, std::chrono::seconds(60));
}

bool accepts_connections(const MariaDbEndpoint& server)
{
  return client(server, "SELECT 1", "").exit_code == 0;
}

std::string schema_sql()
{
  return slurp(std::filesystem::path(CREDGUARD_SOURCE_DIR) / "tests" / "fixtures" / "platform_schema.sql");
}

} // namespace

MariaDbServer::MariaDbServer(const std::vector<std::string>& extra_args)
{
  m_endpoint.dir = make_server_dir("credguard-mariadb");
  auto data = m_endpoint.dir / "data";
  m_endpoint.socket = (m_endpoint.dir / "mysqld.sock").string();
  bool root = ::geteuid() == 0;
  // Small redo log: the default 96 MiB costs seconds to write.
  const std::string redo = "--innodb-log-file-size=8M";
  std::vector<std::string> install = {find_program("mariadb-install-db"),
                                      "--no-defaults",
                                      "--datadir=" + data.string(),
                                      "--auth-root-authentication-method=normal",
                                      "--skip-test-db",
                                      "--skip-name-resolve",
                                      redo};
  if (root) {
    install.emplace_back("--user=root");
  }
  auto installed = run_process(install, base_env(), "", std::chrono::seconds(120));
  if (installed.exit_code != 0) {
    std::filesystem::remove_all(m_endpoint.dir);
    throw std::runtime_error("mariadb-install-db failed:\n" + installed.out + installed.err);
  }
  auto log = m_endpoint.dir / "mariadbd.log";
  for (int attempt = 0; attempt < 3 && !m_daemon; ++attempt) {
    m_endpoint.port = free_port();
    std::vector<std::string> argv = {find_program("mariadbd"),
                                     "--no-defaults",
                                     "--datadir=" + data.string(),
                                     "--socket=" + m_endpoint.socket,
                                     "--port=" + std::to_string(m_endpoint.port),
                                     "--bind-address=127.0.0.1",
                                     "--pid-file=" + (m_endpoint.dir / "mariadbd.pid").string(),
                                     "--log-error=" + log.string(),
                                     "--skip-log-bin",
                                     "--skip-name-resolve",
                                     "--max-connections=100",
                                     "--innodb-buffer-pool-size=32M",
                                     "--performance-schema=OFF",
                                     redo};
    if (root) {
      argv.emplace_back("--user=root");
    }
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    auto daemon = std::make_unique<Daemon>(argv, log);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (daemon->running() && std::chrono::steady_clock::now() < deadline && !accepts_connections(m_endpoint)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (daemon->running() && accepts_connections(m_endpoint)) {
      m_daemon = std::move(daemon);
    }
    // else: most likely the port was taken meanwhile; try another.
  }
  if (!m_daemon) {
    auto why = tail_of(log);
    std::filesystem::remove_all(m_endpoint.dir);
    throw std::runtime_error("mariadbd did not start:\n" + why);
  }
  m_endpoint.pid = m_daemon->pid();
  mariadb_sql(m_endpoint, std::string("CREATE USER '") + k_mariadb_user + "'@'%' IDENTIFIED BY '" + k_mariadb_password +
                              "';\nGRANT ALL PRIVILEGES ON *.* TO '" + k_mariadb_user + "'@'%';\n");
}

MariaDbServer::~MariaDbServer()
{
  if (m_daemon) {
    m_daemon->stop();
    std::error_code ec;
    std::filesystem::remove_all(m_endpoint.dir, ec);
  }
}

MariaDbEndpoint MariaDbServer::release()
{
  m_daemon->release();
  m_daemon.reset();
  return m_endpoint;
}

void stop_mariadb(const MariaDbEndpoint& endpoint)
{
  // Only a mariadbd: after a reboot the pid may belong to someone else.
  std::string command;
  try {
    command = slurp("/proc/" + std::to_string(endpoint.pid) + "/cmdline");
  } catch (const std::exception&) {
  }
  if (command.find("mariadbd") != std::string::npos) {
    stop_process(endpoint.pid, std::chrono::seconds(30));
  }
  std::error_code ec;
  if (!endpoint.dir.empty()) {
    std::filesystem::remove_all(endpoint.dir, ec);
  }
}

void write_endpoint(const std::filesystem::path& file, const MariaDbEndpoint& endpoint)
{
  auto temporary = file.string() + ".tmp";
  {
    std::ofstream out(temporary);
    out << "port=" << endpoint.port << "\nsocket=" << endpoint.socket << "\ndir=" << endpoint.dir.string()
        << "\npid=" << endpoint.pid << "\n";
    if (!out) {
      throw std::runtime_error("cannot write " + temporary);
    }
  }
  std::filesystem::rename(temporary, file);
}

MariaDbEndpoint read_endpoint(const std::filesystem::path& file)
{
  std::ifstream in(file);
  if (!in) {
    throw std::runtime_error("cannot read " + file.string() + ": did the MariaDB fixture start?");
  }
  std::map<std::string, std::string> values;
  for (std::string line; std::getline(in, line);) {
    auto equals = line.find('=');
    if (equals != std::string::npos) {
      values[line.substr(0, equals)] = line.substr(equals + 1);
    }
  }
  MariaDbEndpoint endpoint;
  endpoint.port = std::stoi(values.at("port"));
  endpoint.socket = values.at("socket");
  endpoint.dir = values.at("dir");
  endpoint.pid = static_cast<pid_t>(std::stol(values.at("pid")));
  return endpoint;
}

std::string mariadb_sql(const MariaDbEndpoint& server, const std::string& sql, const std::string& database)
{
  auto result = client(server, sql, database);
  if (result.exit_code != 0) {
    throw std::runtime_error("mariadb: " + result.err + "in:\n" + sql.substr(0, 2000));
  }
  return result.out;
}

const MariaDbEndpoint& shared_mariadb()
{
  static const MariaDbEndpoint k_fixture = [] {
    const char* info = std::getenv("CREDGUARD_TEST_MARIADB");
    return info != nullptr && *info != '\0' ? read_endpoint(info) : MariaDbEndpoint{};
  }();
  if (k_fixture.port != 0) {
    return k_fixture;
  }
  static const MariaDbServer k_private;
  return k_private.endpoint();
}

PlatformDatabase::PlatformDatabase(const MariaDbEndpoint& server)
  : m_server(server)
{
  static std::atomic<int> counter{0};
  m_name = "cg_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
  mariadb_sql(m_server, "CREATE DATABASE " + m_name + " CHARACTER SET utf8mb4;");
  sql(schema_sql());
}

PlatformDatabase::~PlatformDatabase()
{
  try {
    mariadb_sql(m_server, "DROP DATABASE IF EXISTS " + m_name + ";");
  } catch (const std::exception&) {
    // the server is gone: nothing left to drop
  }
}

std::string PlatformDatabase::sql(const std::string& statements) const
{
  return mariadb_sql(m_server, statements, m_name);
}

std::string PlatformDatabase::config_yaml(const std::string& password_ref) const
{
  return "mysql:\n  host: 127.0.0.1\n  port: " + std::to_string(m_server.port) + "\n  user: " + k_mariadb_user +
         "\n  password: " + password_ref + "\n  database: " + m_name + "\n  connect_timeout: 5s\n";
}

} // namespace credguard::test
