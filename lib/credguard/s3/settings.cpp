#include <credguard/core/error.hpp>
#include <credguard/core/time_format.hpp>
#include <credguard/s3/settings.hpp>

#include <fmt/format.h>

namespace credguard::s3 {

Settings load_settings(const Config& config, const Env& env)
{
  Settings settings;
  settings.profile = config.get_string("s3.profile").value_or("");
  settings.client.endpoint = config.get_string("s3.endpoint").value_or("");
  settings.client.region = config.get_string("s3.region").value_or("");
  if (settings.client.region.empty()) {
    settings.client.region = region_from_environment(env, settings.profile).value_or("us-east-1");
  }
  std::string style = config.get_string("s3.addressing_style").value_or("auto");
  auto addressing = parse_addressing(style);
  if (!addressing) {
    throw Error(ErrorKind::config, fmt::format("{}: s3.addressing_style is '{}'; expected auto, path or virtual",
                                               config.origin("s3.addressing_style"), style));
  }
  settings.client.addressing = *addressing;
  settings.forensic_bucket = config.get_string("s3.forensic_bucket").value_or("");
  settings.backup_bucket = config.get_string("s3.backup_bucket").value_or("");
  if (auto mode_text = config.get_string("s3.object_lock_mode")) {
    auto mode = parse_lock_mode(*mode_text);
    if (!mode) {
      throw Error(ErrorKind::config, fmt::format("{}: s3.object_lock_mode is '{}'; expected COMPLIANCE or GOVERNANCE",
                                                 config.origin("s3.object_lock_mode"), *mode_text));
    }
    settings.lock_mode = *mode;
  }
  if (auto retention = config.get_duration("s3.object_lock_retention")) {
    if (retention->count() <= 0) {
      throw Error(ErrorKind::config, fmt::format("{}: s3.object_lock_retention must be positive",
                                                 config.origin("s3.object_lock_retention")));
    }
    settings.lock_retention = *retention;
  }
  return settings;
}

std::unique_ptr<Client> make_client(const Settings& settings, const Env& env, Redactor& redactor,
                                    http::Transport& transport, const Clock& clock, Log& log)
{
  CredentialContext context;
  context.env = &env;
  context.redactor = &redactor;
  context.profile = settings.profile;
  context.region = settings.client.region;
  context.transport = &transport;
  context.clock = &clock;
  context.log = &log;
  std::shared_ptr<CredentialProvider> credentials = resolve_credentials(context);
  return std::make_unique<Client>(settings.client, std::move(credentials), transport, clock, log);
}

} // namespace credguard::s3
