#include "fakes/mlflow.hpp"
#include "support/fake_clock.hpp"

#include <credguard/core/error.hpp>
#include <credguard/http/transport.hpp>
#include <credguard/registry/mlflow_client.hpp>

#include <catch2/catch.hpp>

using namespace credguard;
using namespace credguard::registry;

namespace {

struct Fixture {
  test::FakeMlflow mlflow;
  test::FakeClock clock;
  NullLog log;
  std::unique_ptr<http::Transport> transport = make();
  MlflowClient client{MlflowOptions{mlflow.url(), Secret("fixture-token-5e1f"), "", std::nullopt, "test"}, *transport};

  Fixture() { mlflow.require_token("fixture-token-5e1f"); }

  std::unique_ptr<http::Transport> make()
  {
    http::TransportOptions options;
    options.retry.max_attempts = 2;
    options.retry.random = [] { return 0.5; };
    return http::make_curl_transport(options, clock, log);
  }
};

ErrorKind kind_of(const std::function<void()>& call)
{
  try {
    call();
  } catch (const Error& e) {
    return e.kind();
  }
  FAIL("no error");
  return ErrorKind::internal;
}

} // namespace

TEST_CASE("mlflow: get version, model and alias, missing ones are nullopt")
{
  Fixture f;
  f.mlflow.add_version("credit-score", 6, {{"credguard.state", "Approved"}});
  f.mlflow.add_version("credit-score", 7);
  f.mlflow.set_alias("credit-score", "production", 7);

  auto version = f.client.get_version("credit-score", "6");
  REQUIRE(version);
  CHECK(version->version == "6");
  CHECK(version->state() == "Approved");
  CHECK(version->creation_timestamp > 0);
  CHECK(version->aliases.empty());
  auto seven = f.client.get_version("credit-score", "7");
  REQUIRE(seven);
  CHECK(seven->tags.empty());
  CHECK(seven->aliases == std::vector<std::string>{"production"});

  CHECK_FALSE(f.client.get_version("credit-score", "99"));
  CHECK_FALSE(f.client.get_version("no-such-model", "1"));
  CHECK_FALSE(f.client.get_model("no-such-model"));
  auto model = f.client.get_model("credit-score");
  REQUIRE(model);
  CHECK(model->aliases.at("production") == "7");

  auto alias = f.client.get_alias("credit-score", "production");
  REQUIRE(alias);
  CHECK(alias->version == "7");
  // A missing alias is answered 400 INVALID_PARAMETER_VALUE, and is still "not set".
  CHECK_FALSE(f.client.get_alias("credit-score", "staging"));
  // A non-numeric version is a 400 that is not "not found": bad data.
  CHECK(kind_of([&] { (void)f.client.get_version("credit-score", "seven"); }) == ErrorKind::data);
  // Every request carried the bearer token.
  for (const auto& request : f.mlflow.server().requests()) {
    CHECK(request.header("Authorization") == "Bearer fixture-token-5e1f");
  }
}

TEST_CASE("mlflow: search pages in order with fully encoded filters, no match is {}")
{
  Fixture f;
  for (int v = 1; v <= 12; ++v) {
    f.mlflow.add_version("credit-score", v);
  }
  f.mlflow.add_version("other", 1);
  auto all = f.client.search_all(name_filter("credit-score"), "version_number DESC", 5);
  REQUIRE(all.size() == 12);
  CHECK(all.front().version == "12");
  CHECK(all.back().version == "1");
  CHECK(f.mlflow.count("GET", "model-versions/search") == 3);
  // The raw query has no '=' or quote inside the filter's value.
  auto first = f.mlflow.server().requests().front();
  CHECK(first.query.find("filter=name%3D%27credit-score%27") != std::string::npos);
  CHECK(first.query.find("order_by=version_number%20DESC") != std::string::npos);

  auto none = f.client.search_versions(SearchQuery{name_filter("absent"), "", 10, ""});
  CHECK(none.versions.empty());
  CHECK(none.next_page_token.empty());
  CHECK(name_filter("it's") == "name='it\\'s'");
}

TEST_CASE("mlflow: tags and aliases are written with JSON bodies, deleting missing ones succeeds")
{
  Fixture f;
  f.mlflow.add_version("credit-score", 6);
  f.mlflow.add_version("credit-score", 7);
  f.client.set_version_tag("credit-score", "7", "credguard.state", "Revoked");
  CHECK(f.mlflow.tags("credit-score", 7).at("credguard.state") == "Revoked");
  f.client.delete_version_tag("credit-score", "7", "credguard.state");
  CHECK(f.mlflow.tags("credit-score", 7).empty());
  f.client.delete_version_tag("credit-score", "7", "never-set");

  f.client.set_alias("credit-score", "production", "7");
  CHECK(f.mlflow.alias("credit-score", "production") == "7");
  f.client.set_alias("credit-score", "production", "6");
  CHECK(f.mlflow.alias("credit-score", "production") == "6");
  f.client.delete_alias("credit-score", "production");
  CHECK_FALSE(f.mlflow.alias("credit-score", "production"));
  f.client.delete_alias("credit-score", "production");

  // Writes to a version that does not exist are bad data (exit 65), and so is a reserved alias.
  CHECK(kind_of([&] { f.client.set_version_tag("credit-score", "99", "k", "v"); }) == ErrorKind::data);
  CHECK(kind_of([&] { f.client.set_alias("credit-score", "latest", "7"); }) == ErrorKind::data);
  CHECK(kind_of([&] { f.client.set_alias("credit-score", "v3", "7"); }) == ErrorKind::data);
  CHECK(kind_of([&] { f.client.set_alias("nope", "production", "1"); }) == ErrorKind::data);
}

TEST_CASE("mlflow: errors map to auth, unavailable and data, naming the endpoint without the token")
{
  Fixture f;
  f.mlflow.add_version("credit-score", 7);
  MlflowClient wrong{MlflowOptions{f.mlflow.url(), Secret("wrong-token-1234"), "", std::nullopt, "test"}, *f.transport};
  CHECK(kind_of([&] { (void)wrong.get_version("credit-score", "7"); }) == ErrorKind::auth);

  f.mlflow.set_unavailable(true);
  try {
    (void)f.client.get_version("credit-score", "7");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::unavailable);
    CHECK(std::string(e.what()).find("model-versions/get") != std::string::npos);
    CHECK(std::string(e.what()).find("fixture-token") == std::string::npos);
  }
  f.mlflow.set_unavailable(false);

  int port = 0;
  {
    test::HttpServer closed([](const test::HttpRequest&) { return test::HttpResponse::text(200, ""); });
    port = closed.port();
  }
  MlflowClient down{MlflowOptions{"http://127.0.0.1:" + std::to_string(port), std::nullopt, "", std::nullopt, "t"},
                    *f.transport};
  CHECK(kind_of([&] { (void)down.get_model("credit-score"); }) == ErrorKind::unavailable);
}

TEST_CASE("mlflow: basic auth, and options from config or the MLFLOW_* environment")
{
  test::FakeMlflow mlflow;
  mlflow.add_version("m", 1);
  test::FakeClock clock;
  NullLog log;
  auto transport = http::make_curl_transport({}, clock, log);
  MlflowClient basic{MlflowOptions{mlflow.url(), std::nullopt, "ops", Secret("pw-fixture-99"), "t"}, *transport};
  CHECK(basic.get_version("m", "1"));
  CHECK(mlflow.server().requests().back().header("Authorization") == "Basic b3BzOnB3LWZpeHR1cmUtOTk=");

  Redactor redactor;
  MapEnv env({{"MLFLOW_TRACKING_URI", "http://mlflow.example:5000/"},
              {"MLFLOW_TRACKING_TOKEN", "env-token-fixture-42"},
              {"REG_TOKEN", "config-token-fixture-43"}});
  auto none = Config::parse("", "test.yaml", MapEnv{}, redactor);
  CHECK_FALSE(mlflow_options(none, MapEnv{}, redactor));

  auto from_env = mlflow_options(Config::parse("", "test.yaml", env, redactor), env, redactor);
  REQUIRE(from_env);
  CHECK(from_env->url == "http://mlflow.example:5000");
  CHECK(from_env->token->reveal() == "env-token-fixture-42");
  CHECK(redactor.scrub("x env-token-fixture-42") == "x ***");

  auto config =
      Config::parse("registry:\n  url: https://reg.internal\n  token: env:REG_TOKEN\n", "test.yaml", env, redactor);
  auto from_config = mlflow_options(config, env, redactor);
  REQUIRE(from_config);
  CHECK(from_config->url == "https://reg.internal");
  CHECK(from_config->token->reveal() == "config-token-fixture-43");

  // Refused when the file is read (core/config_yaml's URL keys).
  CHECK(kind_of([&] { (void)Config::parse("registry:\n  url: ftp://reg\n", "test.yaml", MapEnv{}, redactor); }) ==
        ErrorKind::config);
}

TEST_CASE("registry: model names and versions with '/' or '..' are bad input")
{
  CHECK_NOTHROW(validate_model_name("credit-score_v2.1"));
  for (const auto& bad : {"", "a/b", "..", "a..b", "../etc", ".hidden", "-rf", "a b", "a%2Fb"}) {
    INFO(bad);
    CHECK(kind_of([&] { validate_model_name(bad); }) == ErrorKind::data);
  }
  CHECK_NOTHROW(validate_version_label("7"));
  CHECK(kind_of([&] { validate_version_label("7/../8"); }) == ErrorKind::data);
  // The refused name is quoted with its control characters escaped.
  CHECK_THROWS_WITH(validate_model_name("m\x1b]0;x\x07"), "model name \"m\\x1b]0;x\\x07\" is not allowed");
}

TEST_CASE("mlflow: an answer of the wrong shape reads as absent fields, never a type error")
{
  // Found by tests/fuzz (mlflow_json): "aliases" as a list of strings made
  // json::value() throw type_error, an exit 70.
  Fixture f;
  test::HttpServer odd([](const test::HttpRequest& request) {
    if (request.path.ends_with("registered-models/get")) {
      return test::HttpResponse::json(200, R"({"registered_model": {"name": "m", "aliases": ["production"],
                                                "tags": [1, "x"]}})");
    }
    return test::HttpResponse::json(200, R"({"model_version": ["not", "an", "object"]})");
  });
  MlflowClient client{MlflowOptions{odd.url(), std::nullopt, "", std::nullopt, "t"}, *f.transport};
  auto model = client.get_model("m");
  REQUIRE(model);
  CHECK(model->name == "m");
  CHECK(model->aliases.size() == 1); // one alias with no name and no version
  auto version = client.get_version("m", "1");
  REQUIRE(version);
  CHECK(version->version.empty());
}
