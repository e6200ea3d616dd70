#include <credguard/checks/definition.hpp>
#include <credguard/checks/kind.hpp>
#include <credguard/core/error.hpp>

#include <catch2/catch.hpp>

using namespace credguard;
using namespace credguard::checks;

namespace {
const MapEnv g_no_env; // outlives every Config that refers to it
}

namespace {

Redactor g_redactor;

Config config_of(const std::string& yaml)
{
  return Config::parse(yaml, "cfg.yaml", g_no_env, g_redactor);
}

std::string runbook_error(const std::string& yaml)
{
  auto config = config_of("");
  try {
    (void)parse_runbook(yaml, "rb.yaml", config, Millis(10'000));
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::config);
    return e.what();
  }
  FAIL("no error");
  return "";
}

} // namespace

TEST_CASE("runbook: checks are read with thresholds, tags and timeouts")
{
  auto config = config_of("");
  auto runbook = parse_runbook(R"(version: 1
name: daily
title: Daily
checks:
  - id: cpu
    title: CPU
    kind: cpu
    tags: [host]
    timeout: 3s
    threshold: {warn: 70, crit: 90, unit: "%"}
    action: do something
)",
                               "rb.yaml", config, Millis(10'000));
  REQUIRE(runbook.checks.size() == 1);
  const auto& cpu = runbook.checks[0];
  CHECK(cpu.timeout == Millis(3000));
  CHECK(cpu.threshold.warn == 70);
  CHECK(cpu.tags == std::vector<std::string>{"host"});
  CHECK(cpu.location == "rb.yaml:5");
}

TEST_CASE("runbook: ${section.key} takes config values and makes the key required")
{
  auto config = config_of("tls:\n  hosts: [a:443, b:443]\nlogs:\n  backend: /var/log/b.log\n");
  auto runbook = parse_runbook(R"(name: daily
checks:
  - {id: tls, title: TLS, kind: tls, params: {hosts: "${tls.hosts}"}}
  - {id: log, title: Log, kind: log_patterns, params: {path: "${logs.backend}"}}
  - {id: auth, title: Auth, kind: auth_failures, params: {path: "${logs.auth}"}}
)",
                               "rb.yaml", config, Millis(10'000));
  CHECK(runbook.checks[0].params["hosts"].size() == 2);
  CHECK(runbook.checks[0].required_config == std::vector<std::string>{"tls.hosts"});
  CHECK(runbook.checks[1].params["path"].as<std::string>() == "/var/log/b.log");
  CHECK(runbook.checks[2].required_config == std::vector<std::string>{"logs.auth"});
  CHECK_FALSE(config.has("logs.auth"));
}

TEST_CASE("runbook: mistakes name file, line and key")
{
  CHECK(runbook_error("name: x\nchecks:\n  - {id: a, title: A}\n").find("rb.yaml:3:5: kind: is required") !=
        std::string::npos);
  CHECK(
      runbook_error("name: x\nchecks:\n  - {id: a, title: A, kind: cpu, colour: red}\n").find("colour: unknown key") !=
      std::string::npos);
  CHECK(runbook_error("name: x\nchecks:\n  - {id: a, title: A, kind: cpu, threshold: {warn: lots}}\n")
            .find("expected a number, got \"lots\"") != std::string::npos);
  CHECK(runbook_error("name: x\nchecks:\n  - {id: a, title: A, kind: cpu}\n  - {id: a, title: B, kind: cpu}\n")
            .find("duplicate check id") != std::string::npos);
  CHECK(runbook_error("name: x\nchecks:\n  - {id: a, title: A, kind: cpu, requires: [nope.key]}\n")
            .find("'nope.key' is not a configuration key") != std::string::npos);
  CHECK(runbook_error("name: x\nchecks:\n  - {id: a, title: A, kind: cpu, timeout: never}\n").find("a.timeout") !=
        std::string::npos);
}

TEST_CASE("runbook: an unknown kind is rejected when validated")
{
  auto config = config_of("");
  auto runbook =
      parse_runbook("name: x\nchecks:\n  - {id: a, title: A, kind: teleport}\n", "rb.yaml", config, Millis(1000));
  auto kinds = builtin_kinds();
  try {
    validate_runbook(runbook, kinds);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("rb.yaml:3: a: unknown check kind 'teleport'") != std::string::npos);
  }
}

TEST_CASE("runbook: every embedded runbook loads and validates")
{
  auto config = config_of("");
  auto kinds = builtin_kinds();
  auto names = embedded_runbooks();
  REQUIRE_FALSE(names.empty());
  for (const auto& name : names) {
    INFO(name);
    auto runbook = load_runbook(name, "", config, Millis(10'000));
    CHECK(runbook.name == name);
    CHECK_NOTHROW(validate_runbook(runbook, kinds));
  }
}
