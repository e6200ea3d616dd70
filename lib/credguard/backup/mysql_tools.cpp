#include <credguard/backup/mysql_tools.hpp>
#include <credguard/core/error.hpp>
#include <credguard/core/process.hpp>
#include <credguard/core/time_format.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace credguard::backup {

namespace fs = std::filesystem;

namespace {

const char* const k_missing_tool_hint = "install it (Debian: mariadb-client) or set its path in the configuration";

// Option-file values are quoted; backslash and quote are escaped.
std::string quoted(const std::string& value)
{
  std::string out = "\"";
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
    }
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

} // namespace

OptionFile::OptionFile(const mysql::ConnectOptions& connect)
{
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = (fs::path(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") / "credguard-my.XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw Error(ErrorKind::io, fmt::format("cannot create a private directory for the option file under {}: {}",
                                           fs::path(pattern).parent_path().string(), std::strerror(errno)));
  }
  m_dir = pattern;
  m_path = m_dir / "client.cnf";
  std::string text = "[client]\n";
  if (!connect.socket.empty()) {
    text += "socket=" + quoted(connect.socket) + "\n";
  } else {
    text += "host=" + quoted(connect.host) + "\nport=" + std::to_string(connect.port) + "\nprotocol=TCP\n";
  }
  if (!connect.user.empty()) {
    text += "user=" + quoted(connect.user) + "\n";
  }
  if (!connect.password.empty()) {
    text += "password=" + quoted(connect.password.reveal()) + "\n";
  }
  // Only options both tools accept may go under [client]: mariadb-dump
  // (groups mysqldump, mariadb-dump, client...) has no connect-timeout and
  // refuses one; the client reads it from [mysql] and [mariadb-client]
  // (`mariadb --help` lists the groups; [mariadb] is the server's).
  auto seconds = std::max<long long>(1, connect.connect_timeout.count() / 1000);
  text += fmt::format("[mysql]\nconnect-timeout={0}\n[mariadb-client]\nconnect-timeout={0}\n", seconds);
  int fd = ::open(m_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  bool written = fd >= 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  if (fd >= 0) {
    ::close(fd);
  }
  if (!written) {
    int error = errno;
    ::unlink(m_path.c_str());
    ::rmdir(m_dir.c_str());
    throw Error(ErrorKind::io, fmt::format("cannot write {}: {}", m_path.string(), std::strerror(error)));
  }
}

OptionFile::~OptionFile()
{
  ::unlink(m_path.c_str());
  ::rmdir(m_dir.c_str());
}

std::string OptionFile::argument() const
{
  return "--defaults-file=" + m_path.string();
}

void dump_database(const mysql::ConnectOptions& connect, const std::string& database,
                   const std::vector<std::string>& options, const std::vector<std::string>& tables, const Tools& tools,
                   GzipFileWriter& writer)
{
  OptionFile option_file(connect);
  std::vector<std::string> argv = {
      tools.dump, option_file.argument(), "--single-transaction", "--quick", "--routines", "--triggers", "--hex-blob"};
  argv.insert(argv.end(), options.begin(), options.end());
  argv.push_back(database);
  argv.insert(argv.end(), tables.begin(), tables.end());
  ProcessSpec spec;
  spec.argv = argv;
  spec.output = [&](std::string_view chunk) { writer.write(chunk); };
  spec.on_start = tools.on_start;
  spec.missing_hint = k_missing_tool_hint;
  spec.timeout = tools.timeout;
  spec.idle_timeout = connect.connect_timeout + connect.read_timeout;
  spec.interrupted = tools.interrupted;
  auto start = std::chrono::steady_clock::now();
  auto result = run_process(spec);
  if (result.timed_out) {
    auto took = std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - start);
    throw Error(ErrorKind::unavailable,
                took >= tools.timeout
                    ? fmt::format("{} of {} at {} did not finish within {} (backup.timeout): stopped it", tools.dump,
                                  database, connect.endpoint(), format_duration(tools.timeout))
                    : fmt::format("{} of {} at {} printed nothing for {} (mysql.connect_timeout + "
                                  "mysql.read_timeout): the server does not answer; stopped it",
                                  tools.dump, database, connect.endpoint(), format_duration(*spec.idle_timeout)));
  }
  if (!result.ok()) {
    throw Error(ErrorKind::unavailable,
                fmt::format("{} of {} at {} failed: {}", tools.dump, database, connect.endpoint(), result.describe()));
  }
  if (writer.tail().find(k_dump_completed) == std::string::npos) {
    throw Error(ErrorKind::unavailable, fmt::format("{} of {} ended without \"{}\": the dump is incomplete", tools.dump,
                                                    database, k_dump_completed));
  }
}

void restore_database(const mysql::ConnectOptions& connect, const std::string& database, const fs::path& backup,
                      const Tools& tools)
{
  OptionFile options(connect);
  GzipFileReader reader(backup);
  ProcessSpec spec;
  spec.argv = {tools.client, options.argument(), "--batch", database};
  spec.input = [&](char* buffer, std::size_t capacity) { return reader.read(buffer, capacity); };
  spec.on_start = tools.on_start;
  spec.missing_hint = k_missing_tool_hint;
  spec.timeout = tools.timeout;
  spec.interrupted = tools.interrupted;
  auto result = run_process(spec);
  if (result.timed_out) {
    throw Error(ErrorKind::unavailable,
                fmt::format("restoring {} into {} at {} did not finish within {} (backup.timeout): stopped it",
                            backup.filename().string(), database, connect.endpoint(), format_duration(tools.timeout)));
  }
  if (!result.ok()) {
    throw Error(ErrorKind::unavailable, fmt::format("restoring {} into {} at {} failed: {}", backup.filename().string(),
                                                    database, connect.endpoint(), result.describe()));
  }
}

} // namespace credguard::backup
