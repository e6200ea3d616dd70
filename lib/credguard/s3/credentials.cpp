#include <credguard/core/error.hpp>
#include <credguard/core/files.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/s3/credentials.hpp>
#include <credguard/s3/web_identity.hpp>

#include <fmt/format.h>

#include <filesystem>

namespace credguard::s3 {

namespace {

struct SharedFiles {
  std::filesystem::path credentials;
  std::filesystem::path config;
};

SharedFiles shared_files(const Env& env)
{
  std::string home = env.get("HOME").value_or("");
  SharedFiles files;
  files.credentials = env.get("AWS_SHARED_CREDENTIALS_FILE").value_or(home + "/.aws/credentials");
  files.config = env.get("AWS_CONFIG_FILE").value_or(home + "/.aws/config");
  return files;
}

std::map<std::string, IniSection> read_ini(const std::filesystem::path& path)
{
  std::error_code ec;
  if (path.empty() || !std::filesystem::exists(path, ec)) {
    return {};
  }
  return parse_aws_ini(read_file(path));
}

std::optional<std::string> non_empty(const std::optional<std::string>& value)
{
  if (value && !value->empty()) {
    return value;
  }
  return std::nullopt;
}

std::optional<std::string> value_of(const IniSection& section, const std::string& key)
{
  auto it = section.find(key);
  if (it == section.end() || it->second.empty()) {
    return std::nullopt;
  }
  return it->second;
}

Credentials static_credentials(std::string access_key_id, std::string secret, std::optional<std::string> token,
                               std::string source, Redactor& redactor)
{
  redactor.add(secret);
  Credentials credentials;
  credentials.access_key_id = std::move(access_key_id);
  credentials.secret_access_key = Secret(std::move(secret));
  if (token) {
    redactor.add(*token);
    credentials.session_token = Secret(std::move(*token));
  }
  credentials.source = std::move(source);
  return credentials;
}

std::unique_ptr<CredentialProvider> web_identity(const CredentialContext& context, std::string role_arn,
                                                 std::string token_file, std::string session_name, std::string source)
{
  if (context.transport == nullptr || context.clock == nullptr || context.log == nullptr) {
    throw Error(ErrorKind::internal, "web identity credentials need a transport, a clock and a log");
  }
  WebIdentityOptions options;
  options.role_arn = std::move(role_arn);
  options.token_file = std::move(token_file);
  options.session_name = std::move(session_name);
  options.sts_endpoint = sts_endpoint(*context.env, context.region);
  options.source = std::move(source);
  return std::make_unique<WebIdentityCredentialProvider>(std::move(options), *context.transport, *context.clock,
                                                         *context.redactor, *context.log);
}

// A profile from the credentials file, then the config file. nullptr when
// neither file has the profile.
std::unique_ptr<CredentialProvider> from_profile(const CredentialContext& context, const std::string& name)
{
  SharedFiles files = shared_files(*context.env);
  struct Candidate {
    std::filesystem::path file;
    std::string section;
  };
  const Candidate candidates[] = {
      {files.credentials, name},
      {files.config, name == "default" ? name : "profile " + name},
  };
  for (const auto& candidate : candidates) {
    auto sections = read_ini(candidate.file);
    auto it = sections.find(candidate.section);
    if (it == sections.end()) {
      continue;
    }
    const IniSection& profile = it->second;
    std::string where = fmt::format("profile {} in {}", name, candidate.file.string());
    auto key_id = value_of(profile, "aws_access_key_id");
    auto secret = value_of(profile, "aws_secret_access_key");
    if (key_id && secret) {
      return std::make_unique<StaticCredentialProvider>(
          static_credentials(*key_id, *secret, value_of(profile, "aws_session_token"), where, *context.redactor));
    }
    if (key_id || secret) {
      throw Error(ErrorKind::config,
                  fmt::format("{} sets {} without {}", where, key_id ? "aws_access_key_id" : "aws_secret_access_key",
                              key_id ? "aws_secret_access_key" : "aws_access_key_id"));
    }
    auto role = value_of(profile, "role_arn");
    auto token_file = value_of(profile, "web_identity_token_file");
    if (role && token_file) {
      return web_identity(context, *role, *token_file, value_of(profile, "role_session_name").value_or(""), where);
    }
    if (role) {
      throw Error(ErrorKind::config,
                  fmt::format("{} sets role_arn without web_identity_token_file; only web identity roles are supported",
                              where));
    }
    // A profile with only settings (region...): the config file may still hold its keys.
  }
  return nullptr;
}

} // namespace

std::map<std::string, IniSection> parse_aws_ini(std::string_view text)
{
  std::map<std::string, IniSection> sections;
  IniSection* current = nullptr;
  bool in_nested = false;
  for (const auto& raw : split(text, '\n')) {
    std::string_view line = raw;
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    std::string_view stripped = trim(line);
    if (stripped.empty() || stripped.front() == '#' || stripped.front() == ';') {
      continue;
    }
    bool indented = line.front() == ' ' || line.front() == '\t';
    if (indented && in_nested) {
      continue;
    }
    in_nested = false;
    if (stripped.front() == '[' && stripped.back() == ']') {
      std::string name(trim(stripped.substr(1, stripped.size() - 2)));
      current = &sections[name];
      continue;
    }
    auto eq = stripped.find('=');
    if (current == nullptr || eq == std::string_view::npos) {
      continue;
    }
    std::string key = to_lower(trim(stripped.substr(0, eq)));
    std::string value(trim(stripped.substr(eq + 1)));
    if (value.empty()) {
      in_nested = true;
    }
    (*current)[key] = value;
  }
  return sections;
}

std::optional<std::string> region_from_environment(const Env& env, const std::string& profile)
{
  if (auto region = non_empty(env.get("AWS_REGION"))) {
    return region;
  }
  if (auto region = non_empty(env.get("AWS_DEFAULT_REGION"))) {
    return region;
  }
  std::string name = profile.empty() ? non_empty(env.get("AWS_PROFILE")).value_or("default") : profile;
  auto sections = read_ini(shared_files(env).config);
  auto it = sections.find(name == "default" ? name : "profile " + name);
  if (it != sections.end()) {
    return value_of(it->second, "region");
  }
  return std::nullopt;
}

std::unique_ptr<CredentialProvider> resolve_credentials(const CredentialContext& context)
{
  if (context.env == nullptr || context.redactor == nullptr) {
    throw Error(ErrorKind::internal, "credential resolution needs an environment and a redactor");
  }
  const Env& env = *context.env;
  if (!context.profile.empty()) {
    if (auto provider = from_profile(context, context.profile)) {
      return provider;
    }
    SharedFiles files = shared_files(env);
    throw Error(ErrorKind::config, fmt::format("AWS profile '{}' (s3.profile) has no credentials in {} nor {}",
                                               context.profile, files.credentials.string(), files.config.string()));
  }

  auto key_id = non_empty(env.get("AWS_ACCESS_KEY_ID"));
  auto secret = non_empty(env.get("AWS_SECRET_ACCESS_KEY"));
  if (key_id && secret) {
    return std::make_unique<StaticCredentialProvider>(static_credentials(
        *key_id, *secret, non_empty(env.get("AWS_SESSION_TOKEN")), "environment", *context.redactor));
  }
  if (key_id || secret) {
    throw Error(ErrorKind::config,
                fmt::format("{} is set but {} is not", key_id ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
                            key_id ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID"));
  }

  auto token_file = non_empty(env.get("AWS_WEB_IDENTITY_TOKEN_FILE"));
  auto role = non_empty(env.get("AWS_ROLE_ARN"));
  if (token_file && role) {
    return web_identity(context, *role, *token_file, env.get("AWS_ROLE_SESSION_NAME").value_or(""),
                        "AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN");
  }
  if (token_file || role) {
    throw Error(ErrorKind::config,
                fmt::format("{} is set but {} is not", token_file ? "AWS_WEB_IDENTITY_TOKEN_FILE" : "AWS_ROLE_ARN",
                            token_file ? "AWS_ROLE_ARN" : "AWS_WEB_IDENTITY_TOKEN_FILE"));
  }

  auto named = non_empty(env.get("AWS_PROFILE"));
  std::string profile = named.value_or("default");
  if (auto provider = from_profile(context, profile)) {
    return provider;
  }
  SharedFiles files = shared_files(env);
  if (named) {
    throw Error(ErrorKind::config, fmt::format("AWS_PROFILE names profile '{}', which has no credentials in {} nor {}",
                                               profile, files.credentials.string(), files.config.string()));
  }
  throw Error(ErrorKind::config, "no AWS credentials found",
              fmt::format("set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_WEB_IDENTITY_TOKEN_FILE and "
                          "AWS_ROLE_ARN, or a profile in {} (AWS_PROFILE, s3.profile)",
                          files.credentials.string()));
}

} // namespace credguard::s3
