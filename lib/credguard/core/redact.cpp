#include <credguard/core/redact.hpp>
#include <credguard/core/strings.hpp>

#include <algorithm>
#include <array>

namespace credguard {

namespace {

constexpr std::array k_sensitive_fragments = {
    "password",    "passwd",        "secret",     "token",      "apikey", "api_key",
    "api-key",     "authorization", "signature",  "credential", "cookie", "private_key",
    "private-key", "access_key",    "access-key", "session",    "sig",
};

constexpr std::array k_sensitive_headers = {
    "authorization", "proxy-authorization", "cookie",        "set-cookie",    "x-amz-security-token",
    "x-api-key",     "x-auth-token",        "x-vault-token", "private-token",
};

} // namespace

bool is_sensitive_name(std::string_view name)
{
  std::string lower = to_lower(name);
  return std::any_of(k_sensitive_fragments.begin(), k_sensitive_fragments.end(),
                     [&](const char* fragment) { return lower.find(fragment) != std::string::npos; });
}

std::string redact_url(std::string_view url)
{
  std::string out(url);
  // userinfo: scheme://user:password@host -> scheme://***@host
  if (auto scheme_end = out.find("://"); scheme_end != std::string::npos) {
    auto authority_start = scheme_end + 3;
    auto authority_end = out.find_first_of("/?#", authority_start);
    auto at = out.rfind('@', authority_end == std::string::npos ? out.size() : authority_end);
    if (at != std::string::npos && at >= authority_start) {
      out.replace(authority_start, at - authority_start, k_redacted);
    }
  }
  auto query = out.find('?');
  if (query == std::string::npos) {
    return out;
  }
  auto fragment = out.find('#', query);
  std::string tail = fragment == std::string::npos ? "" : out.substr(fragment);
  std::string params = out.substr(query + 1, fragment == std::string::npos ? std::string::npos : fragment - query - 1);
  std::string rebuilt;
  for (const auto& param : split(params, '&')) {
    if (!rebuilt.empty()) {
      rebuilt += '&';
    }
    auto eq = param.find('=');
    std::string_view key = std::string_view(param).substr(0, eq);
    if (eq != std::string::npos && is_sensitive_name(key)) {
      rebuilt += std::string(key) + "=" + std::string(k_redacted);
    } else {
      rebuilt += param;
    }
  }
  return out.substr(0, query + 1) + rebuilt + tail;
}

std::string redact_header_value(std::string_view name, std::string_view value)
{
  std::string lower = to_lower(name);
  bool sensitive = std::any_of(k_sensitive_headers.begin(), k_sensitive_headers.end(),
                               [&](const char* header) { return lower == header; });
  if (sensitive || is_sensitive_name(lower)) {
    return std::string(k_redacted);
  }
  return std::string(value);
}

std::vector<std::string> redact_argv(std::span<const std::string> argv)
{
  std::vector<std::string> out;
  out.reserve(argv.size());
  bool redact_next = false;
  for (const auto& arg : argv) {
    if (redact_next) {
      out.emplace_back(k_redacted);
      redact_next = false;
      continue;
    }
    if (arg.starts_with("--")) {
      auto eq = arg.find('=');
      std::string_view name = std::string_view(arg).substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
      if (is_sensitive_name(name)) {
        if (eq == std::string::npos) {
          redact_next = true;
          out.push_back(arg);
        } else {
          out.push_back(arg.substr(0, eq + 1) + std::string(k_redacted));
        }
        continue;
      }
    }
    out.push_back(arg.find("://") != std::string::npos ? redact_url(arg) : arg);
  }
  return out;
}

void Redactor::add(std::string_view secret)
{
  if (secret.size() < 4) {
    return;
  }
  std::unique_lock lock(m_mutex);
  m_values.emplace(secret);
}

std::string Redactor::scrub(std::string_view text) const
{
  std::shared_lock lock(m_mutex);
  std::string out(text);
  // Longest values first, so a secret that contains another is replaced whole.
  std::vector<const std::string*> ordered;
  ordered.reserve(m_values.size());
  for (const auto& value : m_values) {
    ordered.push_back(&value);
  }
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const std::string* a, const std::string* b) { return a->size() > b->size(); });
  for (const std::string* value : ordered) {
    for (auto pos = out.find(*value); pos != std::string::npos; pos = out.find(*value, pos + k_redacted.size())) {
      out.replace(pos, value->size(), k_redacted);
    }
  }
  return out;
}

bool Redactor::empty() const
{
  std::shared_lock lock(m_mutex);
  return m_values.empty();
}

} // namespace credguard
