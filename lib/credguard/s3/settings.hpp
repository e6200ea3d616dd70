#pragma once

#include <credguard/core/config.hpp>
#include <credguard/s3/client.hpp>

#include <memory>
#include <string>

namespace credguard::s3 {

// The `s3` section of the configuration.
struct Settings {
  ClientOptions client;
  std::string profile; // explicit AWS profile; empty: the default chain
  std::string forensic_bucket;
  std::string backup_bucket;
  LockMode lock_mode = LockMode::compliance;
  Millis lock_retention = std::chrono::hours(24 * 1825); // five years
};

// Reads and checks the s3 section. The region comes from s3.region, else
// $AWS_REGION, $AWS_DEFAULT_REGION, the profile's region, else us-east-1.
// Throws Error(config) naming the key and where it was set when
// addressing_style or object_lock_mode has a value outside its set, or the
// retention is not positive.
Settings load_settings(const Config& config, const Env& env);

// A client for `settings`, with credentials resolved by
// resolve_credentials() (STS is only contacted on the first request).
// Every secret found is registered with `redactor`. The transport, clock,
// log and redactor must outlive the client.
std::unique_ptr<Client> make_client(const Settings& settings, const Env& env, Redactor& redactor,
                                    http::Transport& transport, const Clock& clock, Log& log);

} // namespace credguard::s3
