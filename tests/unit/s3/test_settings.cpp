#include "support/fake_clock.hpp"
#include "support/temp_dir.hpp"

#include <credguard/core/config.hpp>
#include <credguard/core/error.hpp>
#include <credguard/s3/settings.hpp>

#include <catch2/catch.hpp>

using namespace credguard;
using namespace credguard::s3;

namespace {

struct Loaded {
  explicit Loaded(const std::string& yaml, MapEnv environment = {})
    : env(std::move(environment))
    , config(Config::parse(yaml, "cfg.yaml", env, redactor))
  {}

  MapEnv env;
  Redactor redactor;
  Config config;
};

std::string config_error(const std::string& yaml)
{
  Loaded loaded(yaml);
  try {
    load_settings(loaded.config, loaded.env);
    FAIL("accepted: " << yaml);
  } catch (const Error& error) {
    CHECK(error.kind() == ErrorKind::config);
    return error.what();
  }
  return {};
}

} // namespace

TEST_CASE("s3 settings: every key of the section is read")
{
  Loaded loaded("s3:\n  endpoint: http://rgw.internal:7480\n  region: eu-west-1\n  profile: forensics\n"
                "  addressing_style: virtual\n  forensic_bucket: cg-forensics\n  backup_bucket: cg-backups\n"
                "  object_lock_mode: GOVERNANCE\n  object_lock_retention: 30d\n");
  Settings settings = load_settings(loaded.config, loaded.env);
  CHECK(settings.client.endpoint == "http://rgw.internal:7480");
  CHECK(settings.client.region == "eu-west-1");
  CHECK(settings.client.addressing == Addressing::virtual_host);
  CHECK(settings.profile == "forensics");
  CHECK(settings.forensic_bucket == "cg-forensics");
  CHECK(settings.backup_bucket == "cg-backups");
  CHECK(settings.lock_mode == LockMode::governance);
  CHECK(settings.lock_retention == std::chrono::hours(24 * 30));
}

TEST_CASE("s3 settings: defaults are COMPLIANCE for five years, auto addressing, the environment's region")
{
  Loaded bare("journal:\n  path: /tmp/j.db\n");
  Settings settings = load_settings(bare.config, bare.env);
  CHECK(settings.lock_mode == LockMode::compliance);
  CHECK(settings.lock_retention == std::chrono::hours(24 * 1825));
  CHECK(settings.client.addressing == Addressing::automatic);
  CHECK(settings.client.region == "us-east-1");
  CHECK(settings.client.endpoint.empty());

  MapEnv env;
  env.set("AWS_REGION", "sa-east-1");
  env.set("CREDGUARD_S3_ENDPOINT", "http://127.0.0.1:7480");
  Loaded from_env("journal:\n  path: /tmp/j.db\n", env);
  Settings overridden = load_settings(from_env.config, from_env.env);
  CHECK(overridden.client.region == "sa-east-1");
  CHECK(overridden.client.endpoint == "http://127.0.0.1:7480");
}

TEST_CASE("s3 settings: values outside their set are config errors naming file, line and key")
{
  std::string style = config_error("s3:\n  region: eu-west-1\n  addressing_style: vhost\n");
  CHECK(style.find("cfg.yaml:3") != std::string::npos);
  CHECK(style.find("s3.addressing_style is 'vhost'") != std::string::npos);
  std::string mode = config_error("s3:\n  object_lock_mode: WORM\n");
  CHECK(mode.find("cfg.yaml:2") != std::string::npos);
  CHECK(mode.find("COMPLIANCE or GOVERNANCE") != std::string::npos);
  CHECK(config_error("s3:\n  object_lock_retention: 0s\n").find("must be positive") != std::string::npos);
}

TEST_CASE("s3 settings: make_client resolves credentials and registers their secrets")
{
  MapEnv env;
  env.set("AWS_ACCESS_KEY_ID", "AKIDSETTINGS");
  env.set("AWS_SECRET_ACCESS_KEY", "settings-secret-fixture");
  Loaded loaded("s3:\n  endpoint: http://127.0.0.1:7480\n", env);
  Settings settings = load_settings(loaded.config, loaded.env);
  test::FakeClock clock;
  NullLog log;
  auto transport = http::make_curl_transport({}, clock, log);
  auto client = make_client(settings, loaded.env, loaded.redactor, *transport, clock, log);
  CHECK(client->endpoint() == "http://127.0.0.1:7480");
  CHECK(loaded.redactor.scrub("settings-secret-fixture") == "***");

  MapEnv none;
  none.set("HOME", "/nonexistent");
  Loaded empty("s3:\n  endpoint: http://127.0.0.1:7480\n", none);
  CHECK_THROWS_AS(
      make_client(load_settings(empty.config, empty.env), empty.env, empty.redactor, *transport, clock, log), Error);
}
