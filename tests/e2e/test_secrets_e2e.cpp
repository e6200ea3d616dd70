#include "binary.hpp"
#include "support/http_server.hpp"
#include "support/mariadb.hpp"
#include "support/prometheus.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace credguard::test;

TEST_CASE("e2e: secrets from the config never reach stdout, stderr, JSON or the journal")
{
  Binary credguard;
  const std::string inline_secret = "inline-fixture-secret-9f8e";
  const std::string env_secret = "env-fixture-secret-7a6b";
  auto token_file = credguard.home.write("token", "file-fixture-secret-5c4d\n");
  credguard.env["FIXTURE_TOKEN"] = env_secret;
  auto config =
      credguard.home.write("config.yaml", "mysql:\n  host: 127.0.0.1\n  password: " + inline_secret +
                                              "\nprometheus:\n  url: http://127.0.0.1:9\n  token: env:FIXTURE_TOKEN\n"
                                              "registry:\n  token: file:" +
                                              token_file.string() + "\n");
  std::vector<ProcessResult> results;
  results.push_back(credguard.run({"-v", "--config", config.string(), "checklist", "daily"}));
  results.push_back(credguard.run({"-v", "--config", config.string(), "--output", "json", "checklist", "daily"}));
  // A secret typed on the command line is redacted from the journaled command.
  results.push_back(
      credguard.run({"--config", config.string(), "checklist", "daily", "--only", "memory", "--skip", inline_secret}));
  results.push_back(credguard.run({"journal", "export"}));
  auto journal_bytes = slurp(credguard.home / "state" / "journal.db");
  for (const auto& secret : {inline_secret, env_secret, std::string("file-fixture-secret-5c4d")}) {
    INFO(secret);
    for (const auto& result : results) {
      CHECK(result.out.find(secret) == std::string::npos);
      CHECK(result.err.find(secret) == std::string::npos);
    }
    CHECK(journal_bytes.find(secret) == std::string::npos);
  }
  CHECK(results[3].out.find("checklist.daily") != std::string::npos);
}

TEST_CASE("e2e: the MySQL password and the Prometheus token in use never reach output or the journal")
{
  Binary credguard;
  PlatformDatabase db;
  Exporter exporter;
  exporter.set_counter("http_request_duration_seconds_sum", 1);
  exporter.set_counter("http_request_duration_seconds_count", 10);
  exporter.set_counter("http_requests_total{status=\"200\"}", 10);
  PrometheusServer prometheus(exporter.target());
  REQUIRE(prometheus.wait_for("sum(rate(http_requests_total[5m]))", [](double v) { return v > 0; }));
  // Prometheus has no bearer auth of its own: the token is checked by a
  // proxy in front of it, as deployments do.
  const std::string token = "prom-e2e-fixture-token-8c2a";
  HttpServer proxy([&](const HttpRequest& request) {
    if (request.header("Authorization") != "Bearer " + token) {
      return HttpResponse::text(401, "Unauthorized\n");
    }
    auto [status, body] = loopback_get(prometheus.port(), request.target);
    return HttpResponse::json(status, body);
  });
  auto password_file = credguard.home.write("db-password", std::string(k_mariadb_password) + "\n");
  credguard.env["PROM_TOKEN"] = token;
  auto config =
      credguard.home.write("config.yaml", db.config_yaml("file:" + password_file.string()) +
                                              "prometheus:\n  url: " + proxy.url() + "\n  token: env:PROM_TOKEN\n");
  std::vector<ProcessResult> results;
  results.push_back(credguard.run(
      {"-v", "--config", config.string(), "--output", "json", "checklist", "daily", "--only", "database,performance"}));
  results.push_back(credguard.run({"-v", "--config", config.string(), "checklist", "weekly", "--only", "capacity"}));
  results.push_back(credguard.run({"journal", "export"}));
  // Refused credentials: the errors name the server, not the secret.
  credguard.env["PROM_TOKEN"] = "wrong-e2e-fixture-token-41";
  auto wrong_password = credguard.home.write("wrong-password", "wrong-e2e-fixture-password-93\n");
  auto wrong =
      credguard.home.write("wrong.yaml", db.config_yaml("file:" + wrong_password.string()) +
                                             "prometheus:\n  url: " + proxy.url() + "\n  token: env:PROM_TOKEN\n");
  results.push_back(credguard.run({"-v", "--config", wrong.string(), "checklist", "daily", "--only", "performance"}));

  auto json = nlohmann::json::parse(results[0].out);
  for (const auto& check : json["checks"]) {
    INFO(check.dump());
    CHECK(check["status"] != "UNKNOWN"); // the password and the token were accepted
  }
  CHECK_THAT(results[3].out, Catch::Contains("Access denied") && Catch::Contains("HTTP 401"));
  CHECK(results[1].exit_code <= 1);
  auto journal_bytes = slurp(credguard.home / "state" / "journal.db");
  for (const std::string& secret : {std::string(k_mariadb_password), token, std::string("wrong-e2e-fixture-token-41"),
                                    std::string("wrong-e2e-fixture-password-93")}) {
    INFO(secret);
    for (const auto& result : results) {
      CHECK(result.out.find(secret) == std::string::npos);
      CHECK(result.err.find(secret) == std::string::npos);
    }
    CHECK(journal_bytes.find(secret) == std::string::npos);
  }
}
