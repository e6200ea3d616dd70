#pragma once

#include <credguard/s3/credentials.hpp>

#include <filesystem>
#include <mutex>
#include <string>

namespace credguard::s3 {

// Where and as whom to assume a role with a web identity token.
struct WebIdentityOptions {
  std::string role_arn;
  std::filesystem::path token_file; // re-read at every refresh: Kubernetes rotates it
  std::string session_name;         // default: "credguard-<unix time>"
  std::string sts_endpoint;         // e.g. https://sts.eu-west-1.amazonaws.com
  std::string source;               // for messages: where these settings came from
};

// The STS endpoint to use: $AWS_ENDPOINT_URL_STS, else the regional
// https://sts.REGION.amazonaws.com, else the global https://sts.amazonaws.com.
std::string sts_endpoint(const Env& env, const std::string& region);

// Credentials from STS AssumeRoleWithWebIdentity (unsigned POST with the
// token), cached until five minutes before they expire. Thread-safe.
class WebIdentityCredentialProvider final : public CredentialProvider {
public:
  // `transport`, `clock`, `redactor` and `log` must outlive the provider.
  WebIdentityCredentialProvider(WebIdentityOptions options, http::Transport& transport, const Clock& clock,
                                Redactor& redactor, Log& log);

  // Throws Error(io) when the token file cannot be read; Error(auth) when
  // STS refuses the token or role (InvalidIdentityToken, ExpiredToken...,
  // AccessDenied), naming the role, the endpoint and STS's error code;
  // Error(unavailable) when STS cannot be reached or answers 5xx or
  // IDPCommunicationError; Error(data) for an answer without credentials.
  Credentials credentials() override;
  void invalidate() override;

private:
  Credentials assume_role();

  WebIdentityOptions m_options;
  http::Transport& m_transport;
  const Clock& m_clock;
  Redactor& m_redactor;
  Log& m_log;
  std::mutex m_mutex;
  std::optional<Credentials> m_cached;
};

} // namespace credguard::s3
