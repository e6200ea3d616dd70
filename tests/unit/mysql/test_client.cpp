#include "support/daemon.hpp"
#include "support/mariadb.hpp"

#include <credguard/mysql/client.hpp>

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <future>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace credguard;
using namespace credguard::test;

namespace {

mysql::ConnectOptions options_for(const PlatformDatabase& db)
{
  mysql::ConnectOptions options;
  options.host = "127.0.0.1";
  options.port = static_cast<unsigned int>(db.server().port);
  options.user = k_mariadb_user;
  options.password = Secret(k_mariadb_password);
  options.database = db.name();
  options.connect_timeout = Millis(2000);
  options.read_timeout = Millis(5000);
  return options;
}

// What query() threw.
Error error_of(mysql::Client& client, const std::string& sql, const std::vector<mysql::Param>& params = {})
{
  try {
    client.query(sql, params);
  } catch (const Error& e) {
    return e;
  }
  FAIL("no error from: " << sql);
  return Error(ErrorKind::internal, "unreachable");
}

} // namespace

TEST_CASE("mysql: rows come back as text with NULL distinct from the empty string")
{
  PlatformDatabase db;
  db.sql(
      "INSERT INTO users (email, nome, lastLoginAt) VALUES ('a@x', '', NULL), ('b@x', 'Bia', '2026-11-01 10:00:00');");
  auto client = mysql::make_client(options_for(db));
  for (bool prepared : {false, true}) {
    INFO("prepared: " << prepared);
    auto result = prepared ? client->query("SELECT email, nome, lastLoginAt FROM users WHERE id > ? ORDER BY id", {0LL})
                           : client->query("SELECT email, nome, lastLoginAt FROM users ORDER BY id");
    REQUIRE(result.columns == std::vector<std::string>{"email", "nome", "lastLoginAt"});
    REQUIRE(result.rows.size() == 2);
    CHECK(result.rows[0][1] == std::optional<std::string>(""));
    CHECK_FALSE(result.rows[0][2].has_value());
    CHECK(result.rows[1][1] == std::optional<std::string>("Bia"));
    CHECK(result.rows[1][2] == std::optional<std::string>("2026-11-01 10:00:00"));
    CHECK(result.column("nome") == 1);
    CHECK_THROWS_AS(result.column("missing"), Error);
  }
  auto count = client->query("SELECT COUNT(*) FROM users WHERE nome = ?", {std::string("Bia")});
  CHECK(count.scalar() == std::optional<std::string>("1"));
  auto numbers = client->query("SELECT CAST(? AS DECIMAL(7,6)), ? + 1, ? IS NULL", {0.25, 41LL, mysql::Param()});
  CHECK(numbers.rows.at(0) == std::vector<mysql::Cell>{"0.250000", "42", "1"});
}

TEST_CASE("mysql: bound parameters are values, never SQL")
{
  PlatformDatabase db;
  db.sql("INSERT INTO users (email) VALUES ('ops@credguard.com');");
  auto client = mysql::make_client(options_for(db));
  const std::string hostile = "x' OR '1'='1";
  CHECK(client->query("SELECT id FROM users WHERE email = ?", {hostile}).rows.empty());
  for (const std::string& text : {hostile, std::string("back\\slash \"quoted\" ; DROP TABLE users; --"),
                                  std::string("accents: ç ã é"), std::string(5000, 'z')}) {
    auto echoed = client->query("SELECT ? AS v", {text});
    CHECK(echoed.scalar() == std::optional<std::string>(text));
  }
  CHECK(client->query("SELECT COUNT(*) FROM users").scalar() == std::optional<std::string>("1"));
  // A long value through the text protocol as well.
  CHECK(client->query("SELECT REPEAT('a', 70000)").scalar()->size() == 70000);
}

TEST_CASE("mysql: statements without a result report the rows they changed")
{
  PlatformDatabase db;
  db.sql("INSERT INTO bureau_cache (cpf, payload, expiresAt) VALUES ('1', '{}', '2000-01-01'), ('2', '{}', "
         "'2000-01-01'), ('3', '{}', '2999-01-01');");
  auto client = mysql::make_client(options_for(db));
  CHECK(client->query("DELETE FROM bureau_cache WHERE expiresAt < ?", {std::string("2026-01-01")}).affected_rows == 2);
  CHECK(client->query("DELETE FROM bureau_cache WHERE expiresAt < NOW()").affected_rows == 0);
}

TEST_CASE("mysql: server variables and status counters")
{
  PlatformDatabase db;
  auto client = mysql::make_client(options_for(db));
  CHECK(mysql::server_variable(*client, "max_connections") == std::optional<std::string>("100"));
  auto connected = mysql::server_status(*client, "Threads_connected");
  REQUIRE(connected.has_value());
  CHECK(std::stoi(*connected) >= 1);
  CHECK_FALSE(mysql::server_variable(*client, "no_such_variable").has_value());
  // '_' is a LIKE wildcard: it must not match other names.
  CHECK_FALSE(mysql::server_variable(*client, "max_connection_").has_value());
  CHECK_THROWS_AS(mysql::server_variable(*client, "x' OR 1"), Error);
}

TEST_CASE("mysql: a Unix socket instead of host and port")
{
  PlatformDatabase db;
  auto options = options_for(db);
  options.socket = db.server().socket;
  options.port = 1; // ignored with a socket
  auto client = mysql::make_client(options);
  CHECK(client->endpoint() == db.server().socket);
  CHECK(client->query("SELECT DATABASE()").scalar() == std::optional<std::string>(db.name()));
}

TEST_CASE("mysql: errors are mapped to kinds and name the server, never the password")
{
  PlatformDatabase db;
  auto endpoint = "127.0.0.1:" + std::to_string(db.server().port);

  SECTION("a wrong password is an auth error")
  {
    auto options = options_for(db);
    options.password = Secret("wrong-fixture-password-11");
    auto client = mysql::make_client(options);
    auto e = error_of(*client, "SELECT 1");
    CHECK(e.kind() == ErrorKind::auth);
    CHECK_THAT(e.what(), Catch::Contains(endpoint) && Catch::Contains("1045") && Catch::Contains("Access denied"));
    CHECK_THAT(e.what(), !Catch::Contains("wrong-fixture-password-11"));
    CHECK_THAT(e.hint(), Catch::Contains("mysql.password"));
  }
  SECTION("an unknown database is a configuration error")
  {
    auto options = options_for(db);
    options.database = "no_such_db";
    auto client = mysql::make_client(options);
    auto e = error_of(*client, "SELECT 1");
    CHECK(e.kind() == ErrorKind::config);
    CHECK_THAT(e.what(), Catch::Contains("no_such_db"));
  }
  SECTION("nothing listening is unavailable, naming host:port")
  {
    auto options = options_for(db);
    options.port = static_cast<unsigned int>(free_port());
    auto client = mysql::make_client(options);
    auto e = error_of(*client, "SELECT 1");
    CHECK(e.kind() == ErrorKind::unavailable);
    CHECK_THAT(e.what(), Catch::Contains("127.0.0.1:" + std::to_string(options.port)) && Catch::Contains("2002"));
  }
  SECTION("a missing socket is unavailable, naming the socket")
  {
    auto options = options_for(db);
    options.socket = "/nonexistent/mysqld.sock";
    auto client = mysql::make_client(options);
    auto e = error_of(*client, "SELECT 1");
    CHECK(e.kind() == ErrorKind::unavailable);
    CHECK_THAT(e.what(), Catch::Contains("/nonexistent/mysqld.sock"));
  }
  SECTION("a bad statement is a data error and the connection stays usable")
  {
    auto client = mysql::make_client(options_for(db));
    auto syntax = error_of(*client, "SELEC 1");
    CHECK(syntax.kind() == ErrorKind::data);
    CHECK_THAT(syntax.what(), Catch::Contains("1064") && Catch::Contains(endpoint));
    CHECK(error_of(*client, "SELECT * FROM no_such_table WHERE id = ?", {1LL}).kind() == ErrorKind::data);
    CHECK(error_of(*client, "SELECT ? + ?", {1LL}).kind() == ErrorKind::data);
    CHECK(client->query("SELECT 7").scalar() == std::optional<std::string>("7"));
  }
}

TEST_CASE("mysql: a server that does not answer times out instead of hanging")
{
  PlatformDatabase db;
  SECTION("a query that runs longer than the read timeout")
  {
    auto options = options_for(db);
    options.read_timeout = Millis(1000);
    auto client = mysql::make_client(options);
    auto e = error_of(*client, "SELECT SLEEP(10)");
    CHECK(e.kind() == ErrorKind::unavailable);
    // The broken connection was dropped: the next query gets a new one.
    CHECK(client->query("SELECT 1").scalar() == std::optional<std::string>("1"));
  }
  SECTION("a listener that accepts but never greets")
  {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(::listen(fd, 8) == 0);
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0);
    auto options = options_for(db);
    options.port = ntohs(address.sin_port);
    options.connect_timeout = Millis(1000);
    options.read_timeout = Millis(1000);
    auto client = mysql::make_client(options);
    auto pending = std::async(std::launch::async, [&] { return error_of(*client, "SELECT 1"); });
    // Generous: the check is that it returns at all (connect_timeout is 1 s).
    REQUIRE(pending.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
    auto e = pending.get();
    CHECK(e.kind() == ErrorKind::unavailable);
    CHECK_THAT(e.what(), Catch::Contains("127.0.0.1:" + std::to_string(options.port)));
    ::close(fd);
  }
}

TEST_CASE("mysql: concurrent queries on one client each get a connection")
{
  PlatformDatabase db;
  auto client = mysql::make_client(options_for(db));
  std::vector<std::future<std::optional<std::string>>> results;
  for (long long i = 0; i < 8; ++i) {
    results.push_back(std::async(std::launch::async, [&client, i] {
      return client->query("SELECT ? * 2 FROM (SELECT SLEEP(0.2)) AS pause", {i}).scalar();
    }));
  }
  for (long long i = 0; i < 8; ++i) {
    CHECK(results[static_cast<std::size_t>(i)].get() == std::optional<std::string>(std::to_string(i * 2)));
  }
}

TEST_CASE("mysql: error numbers map to kinds")
{
  using mysql::classify_error;
  CHECK(classify_error(1045) == ErrorKind::auth);
  CHECK(classify_error(1044) == ErrorKind::auth);
  CHECK(classify_error(2002) == ErrorKind::unavailable);
  CHECK(classify_error(2003) == ErrorKind::unavailable);
  CHECK(classify_error(2013) == ErrorKind::unavailable);
  CHECK(classify_error(1040) == ErrorKind::unavailable);
  CHECK(classify_error(1049) == ErrorKind::config);
  CHECK(classify_error(1064) == ErrorKind::data);
  CHECK(classify_error(1146) == ErrorKind::data);
  CHECK(classify_error(2031) == ErrorKind::internal);
}

TEST_CASE("mysql: connection options come from the mysql.* keys")
{
  Redactor redactor;
  MapEnv env(std::map<std::string, std::string>{{"DB_PASSWORD", "pw-fixture-secret-77"}});
  auto config = Config::parse("mysql:\n  host: db.internal\n  port: 3307\n  user: ops\n  password: env:DB_PASSWORD\n"
                              "  connect_timeout: 2s\n  read_timeout: 45s\n",
                              "cfg.yaml", env, redactor);
  auto options = mysql::options_from_config(config);
  CHECK(options.endpoint() == "db.internal:3307");
  CHECK(options.user == "ops");
  CHECK(options.password.reveal() == "pw-fixture-secret-77");
  CHECK(options.database == "credguard");
  CHECK(options.connect_timeout == Millis(2000));
  CHECK(options.read_timeout == Millis(45'000));
  CHECK(redactor.scrub("pw-fixture-secret-77") == "***");

  auto with_socket = Config::parse("mysql:\n  socket: /run/mysqld/mysqld.sock\n", "cfg.yaml", env, redactor);
  CHECK(mysql::options_from_config(with_socket).endpoint() == "/run/mysqld/mysqld.sock");
  auto bad_port = Config::parse("mysql:\n  port: 70000\n", "cfg.yaml", env, redactor);
  CHECK_THROWS_WITH(mysql::options_from_config(bad_port),
                    Catch::Contains("cfg.yaml:2") && Catch::Contains("mysql.port"));
}
