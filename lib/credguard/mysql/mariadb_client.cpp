// The only file that includes MariaDB Connector/C.
#include <credguard/mysql/client.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <mutex>
#include <mysql.h>

namespace credguard::mysql {

namespace {

struct CloseConnection {
  void operator()(MYSQL* connection) const { mysql_close(connection); }
};
struct CloseStatement {
  void operator()(MYSQL_STMT* statement) const { mysql_stmt_close(statement); }
};
struct FreeResult {
  void operator()(MYSQL_RES* result) const { mysql_free_result(result); }
};
using Connection = std::unique_ptr<MYSQL, CloseConnection>;
using Statement = std::unique_ptr<MYSQL_STMT, CloseStatement>;
using Result = std::unique_ptr<MYSQL_RES, FreeResult>;

// mysql_library_init is not thread-safe; the first client calls it once.
void init_library()
{
  static const bool k_ready = [] { return mysql_library_init(0, nullptr, nullptr) == 0; }();
  if (!k_ready) {
    throw Error(ErrorKind::internal, "MariaDB Connector/C failed to initialise");
  }
}

unsigned int whole_seconds(Millis duration)
{
  auto seconds = (duration.count() + 999) / 1000;
  return static_cast<unsigned int>(std::clamp<long long>(seconds, 1, 86'400));
}

class MariaDbClient final : public Client {
public:
  explicit MariaDbClient(ConnectOptions options)
    : m_options(std::move(options))
  {}

  std::string endpoint() const override { return m_options.endpoint(); }

  ResultSet query(std::string_view sql, const std::vector<Param>& params) override
  {
    Connection connection = take();
    try {
      ResultSet result = params.empty() ? run_text(connection.get(), sql) : run_prepared(connection.get(), sql, params);
      give_back(std::move(connection));
      return result;
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::unavailable) {
        give_back(std::move(connection)); // the statement failed, the connection is fine
      }
      throw;
    }
  }

private:
  [[noreturn]] void fail(unsigned int code, const char* message) const
  {
    ErrorKind kind = classify_error(code);
    std::string hint;
    if (kind == ErrorKind::auth) {
      hint = "check mysql.user and mysql.password, and the user's grants";
    } else if (kind == ErrorKind::unavailable) {
      hint = m_options.socket.empty() ? "is the server running and reachable at mysql.host/mysql.port?"
                                      : "is the server running and listening on mysql.socket?";
    } else if (kind == ErrorKind::config) {
      hint = "check mysql.database";
    }
    throw Error(kind, fmt::format("MySQL {}: {} (error {})", endpoint(), message, code), hint);
  }

  Connection connect() const
  {
    init_library();
    Connection connection(mysql_init(nullptr));
    if (!connection) {
      throw Error(ErrorKind::internal, "mysql_init failed: out of memory");
    }
    MYSQL* raw = connection.get();
    unsigned int connect_timeout = whole_seconds(m_options.connect_timeout);
    unsigned int read_timeout = whole_seconds(m_options.read_timeout);
    unsigned int write_timeout = whole_seconds(m_options.write_timeout);
    unsigned int protocol = m_options.socket.empty() ? MYSQL_PROTOCOL_TCP : MYSQL_PROTOCOL_SOCKET;
    my_bool no_local_infile = 0;
    mysql_options(raw, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
    mysql_options(raw, MYSQL_OPT_READ_TIMEOUT, &read_timeout);
    mysql_options(raw, MYSQL_OPT_WRITE_TIMEOUT, &write_timeout);
    mysql_options(raw, MYSQL_OPT_PROTOCOL, &protocol);
    mysql_options(raw, MYSQL_OPT_LOCAL_INFILE, &no_local_infile);
    mysql_options(raw, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    const char* host = m_options.socket.empty() ? m_options.host.c_str() : "localhost";
    const char* socket = m_options.socket.empty() ? nullptr : m_options.socket.c_str();
    const char* user = m_options.user.empty() ? nullptr : m_options.user.c_str();
    const char* database = m_options.database.empty() ? nullptr : m_options.database.c_str();
    if (mysql_real_connect(raw, host, user, m_options.password.reveal().c_str(), database, m_options.port, socket, 0) ==
        nullptr) {
      fail(mysql_errno(raw), mysql_error(raw));
    }
    return connection;
  }

  Connection take()
  {
    {
      std::lock_guard lock(m_mutex);
      if (!m_idle.empty()) {
        Connection connection = std::move(m_idle.back());
        m_idle.pop_back();
        return connection;
      }
    }
    return connect();
  }

  void give_back(Connection connection)
  {
    std::lock_guard lock(m_mutex);
    m_idle.push_back(std::move(connection));
  }

  ResultSet run_text(MYSQL* connection, std::string_view sql) const
  {
    if (mysql_real_query(connection, sql.data(), sql.size()) != 0) {
      fail(mysql_errno(connection), mysql_error(connection));
    }
    ResultSet out;
    Result result(mysql_store_result(connection));
    if (!result) {
      if (mysql_field_count(connection) != 0) {
        fail(mysql_errno(connection), mysql_error(connection));
      }
      out.affected_rows = mysql_affected_rows(connection);
    } else {
      unsigned int count = mysql_num_fields(result.get());
      MYSQL_FIELD* fields = mysql_fetch_fields(result.get());
      for (unsigned int i = 0; i < count; ++i) {
        out.columns.emplace_back(fields[i].name);
      }
      while (MYSQL_ROW row = mysql_fetch_row(result.get())) {
        unsigned long* lengths = mysql_fetch_lengths(result.get());
        std::vector<Cell> cells;
        for (unsigned int i = 0; i < count; ++i) {
          cells.push_back(row[i] == nullptr ? Cell() : Cell(std::string(row[i], lengths[i])));
        }
        out.rows.push_back(std::move(cells));
      }
    }
    // Statements that return several results (CALL) must be drained
    // before the connection can be used again.
    while (mysql_next_result(connection) == 0) {
      mysql_free_result(mysql_store_result(connection));
    }
    return out;
  }

  ResultSet run_prepared(MYSQL* connection, std::string_view sql, const std::vector<Param>& params) const
  {
    Statement statement(mysql_stmt_init(connection));
    if (!statement) {
      fail(mysql_errno(connection), mysql_error(connection));
    }
    MYSQL_STMT* stmt = statement.get();
    auto stmt_fail = [&] { fail(mysql_stmt_errno(stmt), mysql_stmt_error(stmt)); };
    if (mysql_stmt_prepare(stmt, sql.data(), sql.size()) != 0) {
      stmt_fail();
    }
    if (mysql_stmt_param_count(stmt) != params.size()) {
      throw Error(ErrorKind::data, fmt::format("MySQL {}: the statement has {} placeholders but {} values were given",
                                               endpoint(), mysql_stmt_param_count(stmt), params.size()));
    }
    std::vector<MYSQL_BIND> binds(params.size());
    std::vector<unsigned long> lengths(params.size());
    for (std::size_t i = 0; i < params.size(); ++i) {
      MYSQL_BIND& bind = binds[i];
      bind = MYSQL_BIND{};
      const Param& param = params[i];
      if (const auto* integer = std::get_if<long long>(&param)) {
        bind.buffer_type = MYSQL_TYPE_LONGLONG;
        bind.buffer = const_cast<long long*>(integer);
      } else if (const auto* real = std::get_if<double>(&param)) {
        bind.buffer_type = MYSQL_TYPE_DOUBLE;
        bind.buffer = const_cast<double*>(real);
      } else if (const auto* text = std::get_if<std::string>(&param)) {
        lengths[i] = text->size();
        bind.buffer_type = MYSQL_TYPE_STRING;
        bind.buffer = const_cast<char*>(text->data());
        bind.buffer_length = text->size();
        bind.length = &lengths[i];
      } else {
        bind.buffer_type = MYSQL_TYPE_NULL;
      }
    }
    if (mysql_stmt_bind_param(stmt, binds.data()) != 0 || mysql_stmt_execute(stmt) != 0) {
      stmt_fail();
    }
    ResultSet out;
    Result metadata(mysql_stmt_result_metadata(stmt));
    if (!metadata) {
      out.affected_rows = mysql_stmt_affected_rows(stmt);
      return out;
    }
    if (mysql_stmt_store_result(stmt) != 0) {
      stmt_fail();
    }
    unsigned int count = mysql_num_fields(metadata.get());
    MYSQL_FIELD* fields = mysql_fetch_fields(metadata.get());
    constexpr unsigned long k_initial = 256;
    std::vector<MYSQL_BIND> columns(count);
    std::vector<std::string> buffers(count, std::string(k_initial, '\0'));
    std::vector<unsigned long> sizes(count);
    std::vector<my_bool> nulls(count);
    for (unsigned int i = 0; i < count; ++i) {
      out.columns.emplace_back(fields[i].name);
      columns[i] = MYSQL_BIND{};
      columns[i].buffer_type = MYSQL_TYPE_STRING; // the connector converts every type to text
      columns[i].buffer = buffers[i].data();
      columns[i].buffer_length = k_initial;
      columns[i].length = &sizes[i];
      columns[i].is_null = &nulls[i];
    }
    if (mysql_stmt_bind_result(stmt, columns.data()) != 0) {
      stmt_fail();
    }
    while (true) {
      int status = mysql_stmt_fetch(stmt);
      if (status == MYSQL_NO_DATA) {
        break;
      }
      if (status == 1) {
        stmt_fail();
      }
      std::vector<Cell> cells;
      for (unsigned int i = 0; i < count; ++i) {
        if (nulls[i] != 0) {
          cells.emplace_back();
        } else if (sizes[i] <= k_initial) {
          cells.emplace_back(std::string(buffers[i].data(), sizes[i]));
        } else {
          // Truncated: fetch the whole value into a buffer of its size.
          std::string whole(sizes[i], '\0');
          unsigned long whole_size = 0;
          MYSQL_BIND bind{};
          bind.buffer_type = MYSQL_TYPE_STRING;
          bind.buffer = whole.data();
          bind.buffer_length = whole.size();
          bind.length = &whole_size;
          if (mysql_stmt_fetch_column(stmt, &bind, i, 0) != 0) {
            stmt_fail();
          }
          whole.resize(std::min<std::size_t>(whole.size(), whole_size));
          cells.emplace_back(std::move(whole));
        }
      }
      out.rows.push_back(std::move(cells));
    }
    return out;
  }

  ConnectOptions m_options;
  std::mutex m_mutex;
  std::vector<Connection> m_idle;
};

} // namespace

std::unique_ptr<Client> make_client(ConnectOptions options)
{
  return std::make_unique<MariaDbClient>(std::move(options));
}

} // namespace credguard::mysql
