#pragma once

#include <credguard/core/clock.hpp>
#include <credguard/core/config.hpp>
#include <credguard/core/error.hpp>
#include <credguard/core/secret.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace credguard::mysql {

// A bound statement parameter: SQL NULL, an integer, a floating-point
// number or text. Values are sent separately from the SQL text (prepared
// statements), never pasted into it.
using Param = std::variant<std::monostate, long long, double, std::string>;

// One cell of a result: its text, or nullopt for SQL NULL (distinct from "").
using Cell = std::optional<std::string>;

// What a statement returned. Every value is text as the server formats it
// (numbers "42", "0.25"; DATETIME "2026-11-23 08:00:00").
struct ResultSet {
  std::vector<std::string> columns;
  std::vector<std::vector<Cell>> rows;
  std::uint64_t affected_rows = 0; // for statements without a result set

  // The index of column `name`. Throws Error(data) naming it when absent.
  std::size_t column(std::string_view name) const;
  // The first row's first cell; nullopt when there is no row or it is NULL.
  Cell scalar() const;
};

// A MySQL/MariaDB server, as the checks see it. Implementations are
// thread-safe: concurrent queries each get their own connection.
class Client {
public:
  virtual ~Client() = default;
  // Runs one statement with `params` bound to its `?` placeholders and
  // returns its rows. Throws Error: auth (access denied), unavailable (cannot
  // connect, connection lost, timeout), config (unknown database), data (the
  // statement is wrong: syntax, unknown table or column), internal. The
  // message names endpoint() and never the password.
  virtual ResultSet query(std::string_view sql, const std::vector<Param>& params = {}) = 0;
  // Where the server is, for messages: "host:port" or the socket path.
  virtual std::string endpoint() const = 0;
};

// How to reach the server. With `socket` set, host and port are ignored.
struct ConnectOptions {
  std::string host = "localhost";
  unsigned int port = 3306;
  std::string socket;
  std::string user;
  Secret password;
  std::string database = "credguard";
  Millis connect_timeout{5000};
  Millis read_timeout{30'000};  // waiting for an answer (a query's run time)
  Millis write_timeout{30'000}; // sending a request

  // "host:port", or the socket path.
  std::string endpoint() const;
};

// The options from the mysql.* keys (host, port, socket, user, password,
// database, connect_timeout, read_timeout). Throws Error(config) when a
// secret reference cannot be resolved or a value is out of range.
ConnectOptions options_from_config(const Config& config);

// A client over MariaDB Connector/C (the native protocol). It connects on
// the first query and keeps idle connections for reuse; it reads no option
// files. Never throws: connection errors surface from query().
std::unique_ptr<Client> make_client(ConnectOptions options);

// The error kind of a server or client error number: 1045 and other
// access-denied errors -> auth; 2002/2003/2006/2013 and other connection
// failures -> unavailable; 1049 (unknown database) -> config; other server
// errors -> data; other client errors -> internal.
ErrorKind classify_error(unsigned int code);

// The value of a global server variable (SHOW GLOBAL VARIABLES), or nullopt
// when the server has none of that name. Throws Error(usage) for a name
// that is not an identifier, and what query() throws.
std::optional<std::string> server_variable(Client& client, std::string_view name);
// The value of a global status counter (SHOW GLOBAL STATUS), same contract.
std::optional<std::string> server_status(Client& client, std::string_view name);

} // namespace credguard::mysql
