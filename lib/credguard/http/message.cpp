#include <credguard/core/redact.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/http/message.hpp>

#include <fmt/format.h>

namespace credguard::http {

std::string_view to_string(TransportError error)
{
  switch (error) {
  case TransportError::none: return "none";
  case TransportError::dns: return "dns";
  case TransportError::connect: return "connect";
  case TransportError::timeout: return "timeout";
  case TransportError::tls: return "tls";
  case TransportError::network: return "network";
  case TransportError::interrupted: return "interrupted";
  case TransportError::other: return "other";
  }
  return "other";
}

bool Request::is_idempotent() const
{
  if (idempotent) {
    return *idempotent;
  }
  std::string upper = to_upper(method);
  return upper != "POST" && upper != "PATCH";
}

Request& Request::header(std::string name, std::string value)
{
  headers.push_back(Header{std::move(name), std::move(value)});
  return *this;
}

std::optional<std::string> Response::header(std::string_view name) const
{
  for (const auto& h : headers) {
    if (iequals(h.name, name)) {
      return h.value;
    }
  }
  return std::nullopt;
}

std::string describe_failure(const Request& request, const Response& response)
{
  std::string where = fmt::format("{} {}", request.method, redact_url(request.url));
  if (!response.transport_ok()) {
    return fmt::format("{}: {}", where, response.error_message);
  }
  std::string body(trim(response.body.substr(0, 300)));
  for (char& c : body) {
    if (c == '\n' || c == '\r') {
      c = ' ';
    }
  }
  return body.empty() ? fmt::format("{}: HTTP {}", where, response.status)
                      : fmt::format("{}: HTTP {}: {}", where, response.status, body);
}

} // namespace credguard::http
