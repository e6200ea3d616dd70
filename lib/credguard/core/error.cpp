#include <credguard/core/error.hpp>

namespace credguard {

ExitCode exit_code_for(ErrorKind kind)
{
  switch (kind) {
  case ErrorKind::usage: return ExitCode::usage;
  case ErrorKind::config: return ExitCode::config;
  case ErrorKind::data: return ExitCode::data;
  case ErrorKind::auth: return ExitCode::auth;
  case ErrorKind::unavailable: return ExitCode::unavailable;
  case ErrorKind::conflict: return ExitCode::critical;
  case ErrorKind::io: return ExitCode::io;
  case ErrorKind::busy: return ExitCode::temp_fail;
  case ErrorKind::internal: return ExitCode::internal;
  case ErrorKind::interrupted: return ExitCode::interrupted;
  }
  return ExitCode::internal;
}

std::string_view to_string(ErrorKind kind)
{
  switch (kind) {
  case ErrorKind::usage: return "usage";
  case ErrorKind::config: return "config";
  case ErrorKind::data: return "data";
  case ErrorKind::auth: return "auth";
  case ErrorKind::unavailable: return "unavailable";
  case ErrorKind::conflict: return "conflict";
  case ErrorKind::io: return "io";
  case ErrorKind::busy: return "busy";
  case ErrorKind::internal: return "internal";
  case ErrorKind::interrupted: return "interrupted";
  }
  return "internal";
}

Error::Error(ErrorKind kind, std::string message, std::string hint)
  : std::runtime_error(std::move(message))
  , m_kind(kind)
  , m_hint(std::move(hint))
{}

} // namespace credguard
