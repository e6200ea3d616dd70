#include <credguard/core/error.hpp>
#include <credguard/core/files.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/core/time_format.hpp>
#include <credguard/s3/web_identity.hpp>
#include <credguard/s3/xml.hpp>

#include <fmt/format.h>

namespace credguard::s3 {

namespace {

// Refresh this long before the credentials expire.
constexpr auto k_refresh_margin = std::chrono::minutes(5);

ErrorKind kind_of_sts_error(const std::string& code, long status)
{
  if (status >= 500 || code == "IDPCommunicationError" || code == "ServiceUnavailable" || code == "Throttling") {
    return ErrorKind::unavailable;
  }
  if (code == "ValidationError" || code == "InvalidParameterValue" || code == "MalformedPolicyDocument") {
    return ErrorKind::config;
  }
  return ErrorKind::auth;
}

} // namespace

std::string sts_endpoint(const Env& env, const std::string& region)
{
  if (auto endpoint = env.get("AWS_ENDPOINT_URL_STS"); endpoint && !endpoint->empty()) {
    return *endpoint;
  }
  if (!region.empty()) {
    return fmt::format("https://sts.{}.amazonaws.com", region);
  }
  return "https://sts.amazonaws.com";
}

WebIdentityCredentialProvider::WebIdentityCredentialProvider(WebIdentityOptions options, http::Transport& transport,
                                                             const Clock& clock, Redactor& redactor, Log& log)
  : m_options(std::move(options))
  , m_transport(transport)
  , m_clock(clock)
  , m_redactor(redactor)
  , m_log(log)
{}

Credentials WebIdentityCredentialProvider::credentials()
{
  std::lock_guard lock(m_mutex);
  if (!m_cached || (m_cached->expiration && *m_cached->expiration - k_refresh_margin <= m_clock.now())) {
    m_cached = assume_role();
  }
  return *m_cached;
}

void WebIdentityCredentialProvider::invalidate()
{
  std::lock_guard lock(m_mutex);
  m_cached.reset();
}

Credentials WebIdentityCredentialProvider::assume_role()
{
  std::string token(trim(read_file(m_options.token_file)));
  if (token.empty()) {
    throw Error(ErrorKind::auth, fmt::format("web identity token file {} is empty", m_options.token_file.string()));
  }
  m_redactor.add(token);
  std::string session = m_options.session_name;
  if (session.empty()) {
    auto seconds = std::chrono::duration_cast<std::chrono::seconds>(m_clock.now().time_since_epoch()).count();
    session = fmt::format("credguard-{}", seconds);
  }

  http::Request request;
  request.method = "POST";
  request.url = m_options.sts_endpoint;
  if (request.url.find('/', request.url.find("://") + 3) == std::string::npos) {
    request.url += '/';
  }
  request.idempotent = true; // assuming a role twice is harmless
  request.header("Content-Type", "application/x-www-form-urlencoded");
  request.header("Accept", "application/xml");
  request.body = fmt::format("Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn={}&RoleSessionName={}"
                             "&WebIdentityToken={}",
                             percent_encode(m_options.role_arn), percent_encode(session), percent_encode(token));
  std::string what =
      fmt::format("STS AssumeRoleWithWebIdentity for {} at {}", m_options.role_arn, redact_url(m_options.sts_endpoint));
  m_log.debug(fmt::format("s3: {} ({})", what, m_options.source));
  http::Response response = m_transport.perform(request);
  if (!response.transport_ok()) {
    throw Error(ErrorKind::unavailable, fmt::format("{}: {}", what, response.error_message),
                "check the STS endpoint (AWS_ENDPOINT_URL_STS) and the network");
  }
  if (!response.ok()) {
    std::string code = "HTTP " + std::to_string(response.status);
    std::string message;
    try {
      XmlElement root = parse_xml(response.body, "STS error");
      if (const XmlElement* error = root.name == "Error" ? &root : root.child("Error")) {
        code = error->child_text("Code").value_or(code);
        message = error->child_text("Message").value_or("");
      }
    } catch (const Error&) {
      message = std::string(trim(response.body.substr(0, 200)));
    }
    throw Error(kind_of_sts_error(code, response.status),
                m_redactor.scrub(fmt::format("{}: {} (HTTP {}){}{}", what, code, response.status,
                                             message.empty() ? "" : ": ", message)),
                "check the role's trust policy and the service account token (" + m_options.source + ")");
  }
  XmlElement root = parse_xml(response.body, "STS AssumeRoleWithWebIdentity response");
  const XmlElement* block = root.find("AssumeRoleWithWebIdentityResult/Credentials");
  auto key_id = block ? block->child_text("AccessKeyId") : std::nullopt;
  auto secret = block ? block->child_text("SecretAccessKey") : std::nullopt;
  auto session_token = block ? block->child_text("SessionToken") : std::nullopt;
  if (!key_id || !secret || !session_token || key_id->empty() || secret->empty()) {
    throw Error(ErrorKind::data, fmt::format("{}: the answer holds no credentials", what));
  }
  m_redactor.add(*secret);
  m_redactor.add(*session_token);
  Credentials credentials;
  credentials.access_key_id = *key_id;
  credentials.secret_access_key = Secret(*secret);
  credentials.session_token = Secret(*session_token);
  if (auto expiration = block->child_text("Expiration")) {
    credentials.expiration = parse_rfc3339(*expiration);
    if (!credentials.expiration) {
      throw Error(ErrorKind::data, fmt::format("{}: unreadable Expiration '{}'", what, *expiration));
    }
  }
  credentials.source = "web identity role " + m_options.role_arn;
  return credentials;
}

} // namespace credguard::s3
