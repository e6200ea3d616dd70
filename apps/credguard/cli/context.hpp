#pragma once

#include <credguard/checks/kind.hpp>
#include <credguard/core/clock.hpp>
#include <credguard/core/config.hpp>
#include <credguard/core/env.hpp>
#include <credguard/core/log.hpp>
#include <credguard/core/redact.hpp>
#include <credguard/core/redacting_stream.hpp>
#include <credguard/core/terminal.hpp>
#include <credguard/http/transport.hpp>
#include <credguard/journal/journal.hpp>
#include <credguard/mysql/client.hpp>
#include <credguard/prometheus/client.hpp>

#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace credguard::cli {

enum class OutputFormat { table, json, junit };

// The flags every command accepts.
struct GlobalOptions {
  std::string config_path;
  std::string output; // table|json|junit; empty = table
  bool quiet = false;
  int verbose = 0;
  bool no_color = false;
  bool insecure = false;
  std::string actor;
};

// Everything a command talks to, injected: streams, clock, environment and
// lazily created configuration, journal and clients. Tests build one with
// string streams, a fake clock and a map environment.
class Context final : public checks::Clients {
public:
  Context(Io io, const Clock& clock, const Env& env);
  ~Context() override;
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  // The process's real streams, clock and environment.
  static Context& system();

  GlobalOptions global;
  std::vector<std::string> argv; // as given, for the journal (redacted there)

  // Results only; scrubbed of secrets.
  std::ostream& out() { return m_out; }
  // Progress, warnings and errors; scrubbed of secrets.
  std::ostream& err() { return m_err; }
  std::istream& in() { return m_io.in; }
  const Io& io() const { return m_io; }
  const Clock& clock() const { return m_clock; }
  const Env& env() const { return m_env; }
  Redactor& redactor() { return m_redactor; }

  // Colour on stdout: a TTY, TERM not dumb, no NO_COLOR, no --no-color;
  // CLICOLOR_FORCE forces it.
  bool color() const;
  // Progress on stderr: not --quiet.
  bool progress() const { return !global.quiet; }
  // Progress that rewrites its line: stderr is a TTY and not --quiet.
  bool live_progress() const { return !global.quiet && m_io.err_is_tty; }
  Log& log();

  // The output format chosen by --output, checked against what the command
  // supports. Throws Error(usage) for an unsupported one.
  OutputFormat output_format(std::initializer_list<OutputFormat> supported) const;

  // Loaded on first use. Throws Error(config).
  const Config& config();
  // The journal path from journal.path / $CREDGUARD_JOURNAL or the default.
  std::filesystem::path journal_path();
  // Opened on first use; read_write creates it. Throws Error(io).
  journal::Journal& journal(journal::Journal::Mode mode = journal::Journal::Mode::read_write);
  // The command line as it is journaled, secrets redacted.
  std::string command_line() const;

  // Created on first use (thread-safe: concurrent checks share them).
  http::Transport& http() override;
  // From the mysql.* keys; connects on its first query. Throws Error(config).
  mysql::Client& mysql() override;
  // From prometheus.url/token over http(). Throws Error(config).
  prometheus::Client& prometheus() override;
  // Tests replace the transport (e.g. to count requests).
  std::function<std::unique_ptr<http::Transport>(Context&)> make_transport;
  // Tests point host checks at fixture files.
  std::filesystem::path proc_root = "/proc";

  // The command chosen by the parse; set by a verb's callback.
  std::function<int()> action;
  // Set when threads were left running past their timeout: main() then
  // ends the process without running static destructors under them.
  bool abandon_threads = false;

private:
  Io m_io;
  const Clock& m_clock;
  const Env& m_env;
  Redactor m_redactor;
  RedactingStream m_out;
  RedactingStream m_err;
  std::unique_ptr<Log> m_log;
  std::optional<Config> m_config;
  std::unique_ptr<journal::Journal> m_journal;
  journal::Journal::Mode m_journal_mode = journal::Journal::Mode::read_only;
  std::recursive_mutex m_clients_mutex; // prometheus() creates http() under it
  std::unique_ptr<http::Transport> m_http;
  std::unique_ptr<mysql::Client> m_mysql;
  std::unique_ptr<prometheus::Client> m_prometheus;
};

// Parses an output format name.
std::optional<OutputFormat> parse_output_format(std::string_view name);
std::string_view to_string(OutputFormat format);

} // namespace credguard::cli
