#pragma once

#include <credguard/core/clock.hpp>
#include <credguard/core/env.hpp>
#include <credguard/core/log.hpp>
#include <credguard/core/redact.hpp>
#include <credguard/core/secret.hpp>
#include <credguard/http/transport.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>

namespace credguard::s3 {

// AWS credentials. Secrets are Secret (no operator<<); `source` says where
// they came from for messages ("environment", "profile prod in
// /root/.aws/credentials", "web identity role arn:..."), never a value.
struct Credentials {
  std::string access_key_id;
  Secret secret_access_key;
  Secret session_token; // empty for long-term keys
  std::optional<SystemTime> expiration;
  std::string source;
};

// Hands out credentials, refreshing temporary ones before they expire.
class CredentialProvider {
public:
  virtual ~CredentialProvider() = default;
  // Returns credentials valid for at least a few more minutes. Throws
  // Error (auth, config or unavailable) when none can be obtained.
  virtual Credentials credentials() = 0;
  // Drops cached credentials so the next call fetches new ones (after the
  // server answered ExpiredToken).
  virtual void invalidate() {}
};

// Always the same credentials.
class StaticCredentialProvider final : public CredentialProvider {
public:
  explicit StaticCredentialProvider(Credentials credentials)
    : m_credentials(std::move(credentials))
  {}
  Credentials credentials() override { return m_credentials; }

private:
  Credentials m_credentials;
};

// What credential resolution may look at.
struct CredentialContext {
  const Env* env = nullptr;
  Redactor* redactor = nullptr;         // every secret found is registered here
  std::string profile;                  // explicit profile (config s3.profile): used first, and must exist
  std::string region;                   // for the regional STS endpoint
  http::Transport* transport = nullptr; // for STS (web identity)
  const Clock* clock = nullptr;
  Log* log = nullptr;
};

// Resolves credentials the way the AWS SDKs do, first match wins:
// 1. an explicit profile (CredentialContext::profile), which must exist;
// 2. AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN);
// 3. AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN (+ AWS_ROLE_SESSION_NAME),
//    exchanged at STS with AssumeRoleWithWebIdentity (EKS IRSA);
// 4. the profile $AWS_PROFILE (or "default") in $AWS_SHARED_CREDENTIALS_FILE
//    (~/.aws/credentials), then $AWS_CONFIG_FILE (~/.aws/config, sections
//    "[profile NAME]"): static keys, or role_arn + web_identity_token_file.
// Registers every secret it reads with the redactor. Throws Error(config)
// naming the variable, file or profile when a source is incomplete, and
// when none has credentials. STS is only contacted on the first
// credentials() call.
std::unique_ptr<CredentialProvider> resolve_credentials(const CredentialContext& context);

// One section of an AWS shared config/credentials file: key -> value.
using IniSection = std::map<std::string, std::string>;

// Parses an AWS shared config or credentials file: "[name]" sections and
// "key = value" lines; '#' and ';' start comments; indented lines under a
// key with no value (nested "s3 =" settings) are skipped.
std::map<std::string, IniSection> parse_aws_ini(std::string_view text);

// The region the AWS tools would use: $AWS_REGION, $AWS_DEFAULT_REGION, then
// `region` of the profile ($AWS_PROFILE or `profile`, else "default") in
// the config file; nullopt when none is set.
std::optional<std::string> region_from_environment(const Env& env, const std::string& profile = {});

} // namespace credguard::s3
