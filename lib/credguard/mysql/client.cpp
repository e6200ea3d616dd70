#include <credguard/core/strings.hpp>
#include <credguard/mysql/client.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace credguard::mysql {

std::size_t ResultSet::column(std::string_view name) const
{
  auto it = std::find(columns.begin(), columns.end(), name);
  if (it == columns.end()) {
    throw Error(ErrorKind::data, fmt::format("the result has no column '{}' (columns: {})", name, join(columns, ", ")));
  }
  return static_cast<std::size_t>(it - columns.begin());
}

Cell ResultSet::scalar() const
{
  if (rows.empty() || rows.front().empty()) {
    return std::nullopt;
  }
  return rows.front().front();
}

std::string ConnectOptions::endpoint() const
{
  return socket.empty() ? fmt::format("{}:{}", host, port) : socket;
}

ConnectOptions options_from_config(const Config& config)
{
  ConnectOptions options;
  options.host = config.get_string("mysql.host").value_or(options.host);
  if (auto port = config.get_int("mysql.port")) {
    if (*port < 1 || *port > 65535) {
      throw Error(ErrorKind::config,
                  fmt::format("{}: mysql.port: expected 1-65535, got {}", config.origin("mysql.port"), *port));
    }
    options.port = static_cast<unsigned int>(*port);
  }
  options.socket = config.get_string("mysql.socket").value_or("");
  options.user = config.get_string("mysql.user").value_or("");
  if (auto password = config.get_secret("mysql.password")) {
    options.password = *password;
  }
  options.database = config.get_string("mysql.database").value_or(options.database);
  options.connect_timeout = config.get_duration("mysql.connect_timeout").value_or(options.connect_timeout);
  options.read_timeout = config.get_duration("mysql.read_timeout").value_or(options.read_timeout);
  options.write_timeout = options.read_timeout;
  return options;
}

ErrorKind classify_error(unsigned int code)
{
  switch (code) {
  case 1044: // ER_DBACCESS_DENIED_ERROR
  case 1045: // ER_ACCESS_DENIED_ERROR
  case 1142: // ER_TABLEACCESS_DENIED_ERROR
  case 1143: // ER_COLUMNACCESS_DENIED_ERROR
  case 1227: // ER_SPECIFIC_ACCESS_DENIED_ERROR
  case 1698: // ER_ACCESS_DENIED_NO_PASSWORD_ERROR
  case 1251: // ER_NOT_SUPPORTED_AUTH_MODE
    return ErrorKind::auth;
  case 1040: // ER_CON_COUNT_ERROR: too many connections
  case 1053: // ER_SERVER_SHUTDOWN
  case 1205: // ER_LOCK_WAIT_TIMEOUT
  case 1969: // ER_STATEMENT_TIMEOUT (max_statement_time)
  case 2001: // CR_SOCKET_CREATE_ERROR
  case 2002: // CR_CONNECTION_ERROR (socket)
  case 2003: // CR_CONN_HOST_ERROR
  case 2005: // CR_UNKNOWN_HOST
  case 2006: // CR_SERVER_GONE_ERROR
  case 2012: // CR_SERVER_HANDSHAKE_ERR
  case 2013: // CR_SERVER_LOST
  case 2026: // CR_SSL_CONNECTION_ERROR
  case 2055: // CR_SERVER_LOST_EXTENDED
  case 4031: // ER_CLIENT_INTERACTION_TIMEOUT
    return ErrorKind::unavailable;
  case 1049: // ER_BAD_DB_ERROR
    return ErrorKind::config;
  default: break;
  }
  return code >= 2000 && code < 3000 ? ErrorKind::internal : ErrorKind::data;
}

namespace {

std::optional<std::string> show_global(Client& client, std::string_view what, std::string_view name)
{
  bool identifier = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
  if (!identifier) {
    throw Error(ErrorKind::usage, fmt::format("'{}' is not a server {} name", name, to_lower(what)));
  }
  // SHOW ... LIKE takes a pattern: escape '_' so the name matches only itself.
  std::string pattern;
  for (char c : name) {
    if (c == '_') {
      pattern += '\\';
    }
    pattern += c;
  }
  auto result = client.query(fmt::format("SHOW GLOBAL {} LIKE '{}'", what, pattern));
  for (const auto& row : result.rows) {
    if (row.size() >= 2 && row[0] && iequals(*row[0], name)) {
      return row[1].value_or("");
    }
  }
  return std::nullopt;
}

} // namespace

std::optional<std::string> server_variable(Client& client, std::string_view name)
{
  return show_global(client, "VARIABLES", name);
}

std::optional<std::string> server_status(Client& client, std::string_view name)
{
  return show_global(client, "STATUS", name);
}

} // namespace credguard::mysql
