#pragma once

#include <credguard/backup/gzip_file.hpp>
#include <credguard/mysql/client.hpp>

#include <atomic>
#include <filesystem>
#include <functional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace credguard::backup {

constexpr Millis k_default_tool_timeout = std::chrono::hours(6);

// The MariaDB command-line tools credguard runs (never through a shell).
struct Tools {
  std::string dump = "mariadb-dump"; // or mysqldump
  std::string client = "mariadb";    // or mysql
  // Called with each tool's PID once it runs (tests look at its argv).
  std::function<void(pid_t)> on_start;
  // The longest a dump or restore may run (backup.timeout); its process
  // group is then killed.
  Millis timeout = k_default_tool_timeout;
  // Once true (SIGINT, SIGTERM), the tool is killed and Error(interrupted)
  // thrown; the option file is removed as the error passes.
  const std::atomic<bool>* interrupted = nullptr;
};

// A MySQL option file holding the connection settings and the password,
// mode 0600 in a private directory (0700) under $TMPDIR, removed with the
// object. The tools read the password from it, so it never appears on a
// command line or in the environment.
class OptionFile {
public:
  // Writes it. Throws Error(io).
  explicit OptionFile(const mysql::ConnectOptions& connect);
  ~OptionFile();
  OptionFile(const OptionFile&) = delete;
  OptionFile& operator=(const OptionFile&) = delete;

  // "--defaults-file=PATH": the first argument of a tool.
  std::string argument() const;
  const std::filesystem::path& path() const { return m_path; }

private:
  std::filesystem::path m_dir;
  std::filesystem::path m_path;
};

// A consistent dump of `database` (--single-transaction --quick --routines
// --triggers, then `options` such as --where, then `tables`: all when
// empty) streamed into `writer`. Throws Error(unavailable) with the tool's
// message when it fails, its output lacks the "-- Dump completed" line, it
// runs longer than tools.timeout, or it prints nothing for
// connect_timeout + read_timeout (mariadb-dump has no connect timeout of its
// own: a server that accepts and never answers would hold it forever);
// Error(interrupted) as Tools says. The writer is then not committed by the
// caller.
void dump_database(const mysql::ConnectOptions& connect, const std::string& database,
                   const std::vector<std::string>& options, const std::vector<std::string>& tables, const Tools& tools,
                   GzipFileWriter& writer);

// Feeds the decompressed `backup` to the client tool connected to
// `database`. Throws Error(data) when the file is corrupt, Error(unavailable)
// with the tool's message when a statement fails or it runs longer than
// tools.timeout; Error(interrupted) as Tools says.
void restore_database(const mysql::ConnectOptions& connect, const std::string& database,
                      const std::filesystem::path& backup, const Tools& tools);

} // namespace credguard::backup
