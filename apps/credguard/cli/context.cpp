#include "cli/context.hpp"

#include <credguard/core/error.hpp>
#include <credguard/core/files.hpp>
#include <credguard/core/strings.hpp>

#include <fmt/format.h>

#include <iostream>
#include <unistd.h>

namespace credguard::cli {

Context::Context(Io io, const Clock& clock, const Env& env)
  : m_io(io)
  , m_clock(clock)
  , m_env(env)
  , m_out(io.out, m_redactor)
  , m_err(io.err, m_redactor)
{}

Context::~Context()
{
  m_out.flush();
  m_err.flush();
}

Context& Context::system()
{
  static SystemClock clock;
  static SystemEnv env;
  static Context context(Io{std::cout, std::cerr, std::cin, ::isatty(STDIN_FILENO) == 1, ::isatty(STDOUT_FILENO) == 1,
                            ::isatty(STDERR_FILENO) == 1, false},
                         clock, env);
  return context;
}

bool Context::color() const
{
  auto force = m_env.get("CLICOLOR_FORCE");
  if (force && !force->empty() && *force != "0") {
    return !global.no_color;
  }
  if (global.no_color || m_env.get("NO_COLOR").has_value() || !m_io.out_is_tty) {
    return false;
  }
  auto term = m_env.get("TERM");
  return !term || *term != "dumb";
}

Log& Context::log()
{
  if (!m_log) {
    LogLevel level = global.verbose >= 1 ? LogLevel::debug : global.quiet ? LogLevel::warning : LogLevel::info;
    m_log = std::make_unique<StreamLog>(m_err, level, m_redactor);
  }
  return *m_log;
}

OutputFormat Context::output_format(std::initializer_list<OutputFormat> supported) const
{
  if (global.output.empty()) {
    return OutputFormat::table;
  }
  auto format = parse_output_format(global.output);
  if (!format || std::find(supported.begin(), supported.end(), *format) == supported.end()) {
    std::vector<std::string> names;
    for (auto f : supported) {
      names.emplace_back(to_string(f));
    }
    throw Error(ErrorKind::usage, fmt::format("--output {} is not supported by this command", global.output),
                fmt::format("use one of: {}", join(names, ", ")));
  }
  return *format;
}

const Config& Context::config()
{
  if (!m_config) {
    std::optional<std::filesystem::path> path;
    if (!global.config_path.empty()) {
      path = global.config_path;
    }
    m_config.emplace(Config::load(path, m_env, m_redactor));
    if (!m_config->source().empty()) {
      log().debug(fmt::format("config: {}", m_config->source()));
    }
  }
  return *m_config;
}

std::filesystem::path Context::journal_path()
{
  if (auto configured = config().get_string("journal.path"); configured && !configured->empty()) {
    return *configured;
  }
  return journal::default_path(m_env, is_root());
}

journal::Journal& Context::journal(journal::Journal::Mode mode)
{
  bool upgrade =
      m_journal && mode == journal::Journal::Mode::read_write && m_journal_mode == journal::Journal::Mode::read_only;
  if (!m_journal || upgrade) {
    m_journal = std::make_unique<journal::Journal>(journal_path(), mode, m_clock,
                                                   journal::resolve_identity(m_env, global.actor), &m_redactor);
    m_journal_mode = mode;
  }
  return *m_journal;
}

std::string Context::command_line() const
{
  std::vector<std::string> words;
  for (const auto& word : redact_argv(argv)) {
    words.push_back(shell_quote(word));
  }
  return m_redactor.scrub(join(words, " "));
}

http::Transport& Context::http()
{
  std::lock_guard lock(m_clients_mutex);
  if (!m_http) {
    if (make_transport) {
      m_http = make_transport(*this);
    } else {
      const Config& cfg = config();
      http::TransportOptions options;
      options.timeout = cfg.get_duration("http.timeout").value_or(options.timeout);
      options.connect_timeout = cfg.get_duration("http.connect_timeout").value_or(options.connect_timeout);
      options.retry.max_attempts = static_cast<int>(cfg.get_int("http.retries").value_or(2)) + 1;
      options.ca_bundle = cfg.get_string("http.ca_bundle").value_or("");
      options.insecure = global.insecure || cfg.get_bool("http.insecure").value_or(false);
      if (options.insecure) {
        log().warn("TLS certificate verification is disabled (--insecure); this is journaled");
      }
      m_http = http::make_curl_transport(std::move(options), m_clock, log());
    }
  }
  return *m_http;
}

mysql::Client& Context::mysql()
{
  std::lock_guard lock(m_clients_mutex);
  if (!m_mysql) {
    m_mysql = mysql::make_client(mysql::options_from_config(config()));
  }
  return *m_mysql;
}

prometheus::Client& Context::prometheus()
{
  std::lock_guard lock(m_clients_mutex);
  if (!m_prometheus) {
    auto options = prometheus::options_from_config(config());
    m_prometheus = prometheus::make_client(http(), std::move(options));
  }
  return *m_prometheus;
}

std::optional<OutputFormat> parse_output_format(std::string_view name)
{
  if (name == "table") {
    return OutputFormat::table;
  }
  if (name == "json") {
    return OutputFormat::json;
  }
  if (name == "junit") {
    return OutputFormat::junit;
  }
  return std::nullopt;
}

std::string_view to_string(OutputFormat format)
{
  switch (format) {
  case OutputFormat::table: return "table";
  case OutputFormat::json: return "json";
  case OutputFormat::junit: return "junit";
  }
  return "table";
}

} // namespace credguard::cli
