#pragma once

#include <credguard/core/exit_code.hpp>

#include <stdexcept>
#include <string>
#include <string_view>

namespace credguard {

// What went wrong, at the granularity that decides the exit code.
enum class ErrorKind {
  usage,       // the command line is wrong
  config,      // the configuration is unreadable, malformed or incomplete
  data,        // an input file or value is malformed
  auth,        // a server refused our credentials
  unavailable, // a server could not be reached or answered 5xx
  conflict,    // the target's state forbids the action
  io,          // a local file could not be read or written
  busy,        // another run of the same job holds its lock
  internal,    // a bug
  interrupted, // SIGINT/SIGTERM
};

// Returns the exit code the CLI uses for an error of this kind.
ExitCode exit_code_for(ErrorKind kind);

// Returns the kind's name, e.g. "config".
std::string_view to_string(ErrorKind kind);

// The one exception type that may leave a library module. The message names
// what failed (file:line, key, endpoint); the hint says what to do about it.
// Messages never contain secrets: callers redact URLs and values first.
class Error : public std::runtime_error {
public:
  Error(ErrorKind kind, std::string message, std::string hint = {});

  ErrorKind kind() const { return m_kind; }
  const std::string& hint() const { return m_hint; }

private:
  ErrorKind m_kind;
  std::string m_hint;
};

} // namespace credguard
