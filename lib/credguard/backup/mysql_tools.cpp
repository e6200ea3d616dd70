#include <credguard/backup/mysql_tools.hpp>
#include <credguard/core/error.hpp>
#include <credguard/jobs/child_process.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace credguard::backup {

namespace fs = std::filesystem;

namespace {

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
  // Only options both tools accept may go under [client] (mariadb-dump
  // refuses connect-timeout); the client's own go under [mariadb].
  text +=
      fmt::format("[mariadb]\nconnect-timeout={}\n", std::max<long long>(1, connect.connect_timeout.count() / 1000));
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
  jobs::ChildSpec spec;
  spec.argv = argv;
  spec.output = [&](std::string_view chunk) { writer.write(chunk); };
  spec.on_start = tools.on_start;
  auto result = jobs::run_child(spec);
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
  jobs::ChildSpec spec;
  spec.argv = {tools.client, options.argument(), "--batch", database};
  spec.input = [&](char* buffer, std::size_t capacity) { return reader.read(buffer, capacity); };
  spec.on_start = tools.on_start;
  auto result = jobs::run_child(spec);
  if (!result.ok()) {
    throw Error(ErrorKind::unavailable, fmt::format("restoring {} into {} at {} failed: {}", backup.filename().string(),
                                                    database, connect.endpoint(), result.describe()));
  }
}

} // namespace credguard::backup
