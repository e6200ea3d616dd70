#include <credguard/core/config.hpp>
#include <credguard/core/env.hpp>
#include <credguard/core/error.hpp>
#include <credguard/core/redact.hpp>
#include <credguard/incident/rollback.hpp>

#include <catch2/catch.hpp>

using namespace credguard;
using namespace credguard::incident;

namespace {

std::string config_error(const std::string& yaml)
{
  Redactor redactor;
  MapEnv env(std::map<std::string, std::string>{});
  try {
    auto config = Config::parse(yaml, "c.yaml", env, redactor); // URLs are checked here
    rollback_settings(config);
  } catch (const Error& error) {
    CHECK(error.kind() == ErrorKind::config);
    return error.what();
  }
  return "";
}

} // namespace

TEST_CASE("rollback: settings are read with their defaults, and a bad one is named with its file and key")
{
  Redactor redactor;
  MapEnv env(std::map<std::string, std::string>{});
  auto config =
      Config::parse("rollback:\n  health_url: 'http://gw/{model}/health'\n  settle: 30s\n"
                    "  slo:\n    - {name: errors, query: 'x{m=\"{model}\"}', max: 0.01}\n    - {query: y, max: 2}\n",
                    "c.yaml", env, redactor);
  auto settings = rollback_settings(config);
  CHECK(settings.settle == Millis(30'000));
  CHECK(settings.interval == Millis(10'000));
  CHECK(settings.ready_timeout == Millis(120'000));
  REQUIRE(settings.slo.size() == 2);
  CHECK(settings.slo[0].max == 0.01);
  CHECK(settings.slo[1].name == "slo-2");

  auto no_max = config_error("rollback:\n  slo:\n    - {query: up}\n");
  CHECK(no_max.find("c.yaml") != std::string::npos);
  CHECK(no_max.find("rollback.slo[1]") != std::string::npos);
  auto bad_url = config_error("rollback:\n  health_url: ftp://x\n");
  CHECK(bad_url.find("rollback.health_url") != std::string::npos);
  auto zero = config_error("rollback:\n  interval: 0s\n");
  CHECK(zero.find("rollback.interval must be positive") != std::string::npos);
}
