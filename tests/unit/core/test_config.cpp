#include "support/temp_dir.hpp"

#include <credguard/core/config.hpp>
#include <credguard/core/error.hpp>

#include <catch2/catch.hpp>

using namespace credguard;

namespace {
const MapEnv g_no_env; // outlives every Config that refers to it
}

namespace {

Config parse(const std::string& yaml, const MapEnv& env = g_no_env)
{
  static Redactor redactor;
  return Config::parse(yaml, "cfg.yaml", env, redactor);
}

std::string config_error(const std::string& yaml, const MapEnv& env = g_no_env)
{
  try {
    parse(yaml, env);
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::config);
    CHECK(exit_code_for(e.kind()) == ExitCode::config);
    return e.what();
  }
  FAIL("no error for: " << yaml);
  return "";
}

} // namespace

TEST_CASE("config: typed values are read from YAML")
{
  auto config = parse("mysql:\n  host: db.internal\n  port: 3307\n  connect_timeout: 2s\n"
                      "tls:\n  hosts: [a:443, b:8443]\nhttp:\n  insecure: false\n");
  CHECK(config.get_string("mysql.host") == "db.internal");
  CHECK(config.get_int("mysql.port") == 3307);
  CHECK(config.get_duration("mysql.connect_timeout") == Millis(2000));
  CHECK(config.get_list("tls.hosts") == std::vector<std::string>{"a:443", "b:8443"});
  CHECK(config.get_bool("http.insecure") == false);
  CHECK_FALSE(config.has("mysql.user"));
  CHECK(config.origin("mysql.port") == "cfg.yaml:3");
}

TEST_CASE("config: an unknown key names file, line and key, with a suggestion")
{
  auto message = config_error("mysql:\n  host: db\n  hots: x\n");
  CHECK(message.find("cfg.yaml:3:3") != std::string::npos);
  CHECK(message.find("mysql.hots") != std::string::npos);
  try {
    parse("mysql:\n  hots: x\n");
  } catch (const Error& e) {
    CHECK(std::string(e.hint()).find("did you mean 'host'") != std::string::npos);
  }
}

TEST_CASE("config: an unknown section is an error")
{
  auto message = config_error("mysqll:\n  host: db\n");
  CHECK(message.find("cfg.yaml:1:1: mysqll: unknown section") != std::string::npos);
}

TEST_CASE("config: a value of the wrong type names file, line and key")
{
  auto message = config_error("mysql:\n  port: abc\n");
  CHECK(message.find("cfg.yaml:2:9: mysql.port: expected an integer, got \"abc\"") != std::string::npos);
  CHECK(config_error("checklist:\n  timeout: soon\n").find("checklist.timeout") != std::string::npos);
  CHECK(config_error("http:\n  insecure: maybe\n").find("expected true or false") != std::string::npos);
  CHECK(config_error("tls:\n  hosts: {a: b}\n").find("expected a list of strings") != std::string::npos);
}

TEST_CASE("config: malformed YAML names the position")
{
  auto message = config_error("mysql:\n  host: [unclosed\n");
  CHECK(message.find("cfg.yaml:") != std::string::npos);
  CHECK(message.find("malformed YAML") != std::string::npos);
}

TEST_CASE("config: object lists are validated field by field")
{
  auto config = parse("health:\n  endpoints:\n    - {name: api, url: 'http://x/health', timeout: 2s}\n");
  auto endpoints = config.get_objects("health.endpoints");
  REQUIRE(endpoints.size() == 1);
  CHECK(endpoints[0].get_string("url") == "http://x/health");
  CHECK(endpoints[0].get_duration("timeout") == Millis(2000));
  CHECK(config_error("health:\n  endpoints:\n    - {nme: api}\n").find("health.endpoints[].nme") != std::string::npos);
}

TEST_CASE("config: CREDGUARD_<SECTION>_<KEY> overrides the file")
{
  MapEnv env(
      std::map<std::string, std::string>{{"CREDGUARD_MYSQL_HOST", "override"}, {"CREDGUARD_TLS_HOSTS", "x:1, y:2"}});
  auto config = parse("mysql:\n  host: from-file\n", env);
  CHECK(config.get_string("mysql.host") == "override");
  CHECK(config.origin("mysql.host") == "$CREDGUARD_MYSQL_HOST");
  CHECK(config.get_list("tls.hosts") == std::vector<std::string>{"x:1", "y:2"});
}

TEST_CASE("config: an environment override of the wrong type names the variable")
{
  MapEnv env(std::map<std::string, std::string>{{"CREDGUARD_MYSQL_PORT", "many"}});
  CHECK(config_error("", env).find("$CREDGUARD_MYSQL_PORT: mysql.port: expected an integer") != std::string::npos);
}

TEST_CASE("config: CREDGUARD_JOURNAL sets journal.path")
{
  MapEnv env(std::map<std::string, std::string>{{"CREDGUARD_JOURNAL", "/tmp/j.db"}});
  CHECK(parse("", env).get_string("journal.path") == "/tmp/j.db");
}

TEST_CASE("config: secrets resolve env: and file: references and are registered for redaction")
{
  test::TempDir dir;
  auto secret_file = dir.write("pw", "file-secret-value\n");
  MapEnv env(std::map<std::string, std::string>{{"MY_TOKEN", "env-secret-value"}});
  Redactor redactor;
  auto config = Config::parse("prometheus:\n  token: env:MY_TOKEN\nmysql:\n  password: file:" + secret_file.string() +
                                  "\nregistry:\n  token: inline-secret-value\n",
                              "cfg.yaml", env, redactor);
  CHECK(redactor.scrub("inline-secret-value") == "***"); // registered at load
  CHECK(config.get_secret("prometheus.token")->reveal() == "env-secret-value");
  CHECK(config.get_secret("mysql.password")->reveal() == "file-secret-value");
  CHECK(redactor.scrub("a env-secret-value b file-secret-value") == "a *** b ***");
}

TEST_CASE("config: an unresolvable secret reference names the key")
{
  Redactor redactor;
  auto config = Config::parse("prometheus:\n  token: env:NOT_SET_ANYWHERE\n", "cfg.yaml", g_no_env, redactor);
  try {
    (void)config.get_secret("prometheus.token");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::config);
    CHECK(std::string(e.what()).find("prometheus.token: environment variable NOT_SET_ANYWHERE is not set") !=
          std::string::npos);
  }
}

TEST_CASE("config: a file: secret larger than a secret can be names the key and the limit")
{
  // mysql.password: file:/dev/zero ran out of memory (exit 70).
  Redactor redactor;
  auto config = Config::parse("mysql:\n  password: file:/dev/zero\n", "cfg.yaml", g_no_env, redactor);
  try {
    (void)config.get_secret("mysql.password");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::config);
    CHECK_THAT(e.what(), Catch::Contains("mysql.password") &&
                             Catch::Contains("/dev/zero: more than 64.0 KiB, the most credguard reads of it"));
  }
}

TEST_CASE("config: load follows the search order and an explicit path must exist")
{
  test::TempDir home;
  Redactor redactor;
  MapEnv env(std::map<std::string, std::string>{{"HOME", home.path().string()}});
  // Nothing anywhere: empty configuration (the embedded defaults apply).
  CHECK(Config::load(std::nullopt, env, redactor).source().empty());

  auto user_file = home.write(".config/credguard/config.yaml", "mysql:\n  host: from-home\n");
  CHECK(Config::load(std::nullopt, env, redactor).get_string("mysql.host") == "from-home");

  auto other = home.write("other.yaml", "mysql:\n  host: from-env-var\n");
  env.set("CREDGUARD_CONFIG", other.string());
  CHECK(Config::load(std::nullopt, env, redactor).get_string("mysql.host") == "from-env-var");

  auto flag = home.write("flag.yaml", "mysql:\n  host: from-flag\n");
  CHECK(Config::load(flag, env, redactor).get_string("mysql.host") == "from-flag");

  try {
    (void)Config::load(home / "missing.yaml", env, redactor);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::config);
    CHECK(std::string(e.what()).find("missing.yaml") != std::string::npos);
  }
  (void)user_file;
}

TEST_CASE("config: the example configuration is valid and documents every key")
{
  auto path = std::filesystem::path(CREDGUARD_SOURCE_DIR) / "examples" / "config.yaml";
  auto text = test::slurp(path);
  auto config = parse(text);
  for (const auto& section : config::schema()) {
    INFO(section.name);
    CHECK(text.find(std::string(section.name) + ":") != std::string::npos);
    for (const auto& field : section.fields) {
      INFO(field.name);
      CHECK(text.find(std::string(field.name) + ":") != std::string::npos);
    }
  }
}

TEST_CASE("config: a timeout of 0 is refused, naming the key (it would mean no timeout)")
{
  CHECK(config_error("http:\n  timeout: 0s\n").find("cfg.yaml:2:12: http.timeout: expected a duration above 0") !=
        std::string::npos);
  CHECK(config_error("health:\n  endpoints:\n    - {name: a, url: 'http://a', timeout: 0ms}\n")
            .find("health.endpoints[].timeout") != std::string::npos);
  MapEnv env(std::map<std::string, std::string>{{"CREDGUARD_MYSQL_READ_TIMEOUT", "0"}});
  CHECK(config_error("", env).find("$CREDGUARD_MYSQL_READ_TIMEOUT: mysql.read_timeout: expected a duration above 0") !=
        std::string::npos);
  CHECK(parse("http:\n  timeout: 1ms\n").get_duration("http.timeout") == Millis(1));
}

TEST_CASE("config: a malformed URL is a configuration error naming file, line and key")
{
  for (const char* bad : {"prom:9090", "http//prom", "'https://'", "'http://:80'", "'http://host:99999'",
                          "'http://host:'", "'http://a b'", "'http://[::1'", "ftp://x"}) {
    CAPTURE(bad);
    CHECK(config_error(std::string("prometheus:\n  url: ") + bad + "\n")
              .find("cfg.yaml:2:8: prometheus.url: "
                    "expected an http(s) URL") != std::string::npos);
  }
  CHECK(config_error("s3:\n  endpoint: 'radosgw 8080'\n").find("s3.endpoint") != std::string::npos);
  MapEnv env(std::map<std::string, std::string>{{"CREDGUARD_REGISTRY_URL", "mlflow.internal"}});
  CHECK(config_error("", env).find("$CREDGUARD_REGISTRY_URL: registry.url") != std::string::npos);
  auto good = parse("prometheus:\n  url: http://127.0.0.1:9090/\nregistry:\n  url: HTTPS://[::1]:5000\n"
                    "purge:\n  gateway:\n    - {name: gw, url: 'http://gw/admin/purge?model={model}&v={version}'}\n");
  CHECK(good.get_string("prometheus.url") == "http://127.0.0.1:9090/");
}

TEST_CASE("config: a key set twice is refused, naming both lines")
{
  CHECK(config_error("http:\n  timeout: 5s\n  retries: 2\n  timeout: 9s\n")
            .find("cfg.yaml:4:3: http.timeout: set twice (first on line 2)") != std::string::npos);
  CHECK(config_error("http:\n  retries: 2\nmysql:\n  host: a\nhttp:\n  timeout: 9s\n")
            .find("cfg.yaml:5:1: http: set twice (first on line 1)") != std::string::npos);
  CHECK(config_error("health:\n  endpoints:\n    - {name: a, url: 'http://a', name: b}\n")
            .find("health.endpoints[].name: set twice") != std::string::npos);
}

TEST_CASE("config: YAML nested too deep names the file, the position and the depth")
{
  std::string deep = "http:\n  retries: " + std::string(3000, '[') + "\n";
  auto message = config_error(deep);
  CHECK(message.find("cfg.yaml:") != std::string::npos);
  CHECK(message.find("nested deeper than") != std::string::npos);
  CHECK(message.find("bad file") == std::string::npos);
}
