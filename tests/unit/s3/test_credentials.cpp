#include "support/fake_clock.hpp"
#include "support/temp_dir.hpp"

#include <credguard/core/error.hpp>
#include <credguard/s3/credentials.hpp>
#include <credguard/s3/web_identity.hpp>

#include <catch2/catch.hpp>

using namespace credguard;
using namespace credguard::s3;

namespace {

// Never used to send: resolution must not contact STS.
class UnusedTransport final : public http::Transport {
public:
  std::vector<http::Response> perform_all(std::span<const http::Request>, const http::FanOutOptions&) override
  {
    FAIL("credential resolution sent a request");
    return {};
  }
};

struct Resolver {
  test::TempDir home;
  MapEnv env;
  Redactor redactor;
  test::FakeClock clock;
  NullLog log;
  UnusedTransport transport;
  std::string profile;

  Resolver() { env.set("HOME", home.path().string()); }

  std::unique_ptr<CredentialProvider> resolve()
  {
    CredentialContext context;
    context.env = &env;
    context.redactor = &redactor;
    context.profile = profile;
    context.region = "eu-west-1";
    context.transport = &transport;
    context.clock = &clock;
    context.log = &log;
    return resolve_credentials(context);
  }

  std::string config_error()
  {
    try {
      resolve();
    } catch (const Error& error) {
      CHECK(error.kind() == ErrorKind::config);
      return std::string(error.what()) + " | " + error.hint();
    }
    FAIL("credentials were resolved");
    return {};
  }
};

constexpr const char* k_credentials_file = R"(# shared credentials
[default]
aws_access_key_id = AKIDDEFAULT
aws_secret_access_key = default-secret-fixture

[ci]
aws_access_key_id=AKIDCI
aws_secret_access_key=ci-secret-fixture
aws_session_token=ci-session-token-fixture
)";

constexpr const char* k_config_file = "[default]\r\nregion = eu-central-1\r\n"
                                      "[profile prod]\n"
                                      "region = sa-east-1\n"
                                      "s3 =\n"
                                      "  addressing_style = path\n"
                                      "aws_access_key_id = AKIDPROD\n"
                                      "aws_secret_access_key = prod-secret-fixture\n"
                                      "[profile eks]\n"
                                      "role_arn = arn:aws:iam::123456789012:role/credguard\n"
                                      "web_identity_token_file = /var/run/secrets/eks/token\n";

} // namespace

TEST_CASE("credentials: environment keys come first, with the session token, and are registered as secrets")
{
  Resolver r;
  r.home.write(".aws/credentials", k_credentials_file);
  r.env.set("AWS_ACCESS_KEY_ID", "AKIDENV");
  r.env.set("AWS_SECRET_ACCESS_KEY", "env-secret-fixture");
  r.env.set("AWS_SESSION_TOKEN", "env-session-token-fixture");
  r.env.set("AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/token");
  r.env.set("AWS_ROLE_ARN", "arn:aws:iam::1:role/x");
  Credentials credentials = r.resolve()->credentials();
  CHECK(credentials.access_key_id == "AKIDENV");
  CHECK(credentials.secret_access_key.reveal() == "env-secret-fixture");
  CHECK(credentials.session_token.reveal() == "env-session-token-fixture");
  CHECK(credentials.source == "environment");
  CHECK(r.redactor.scrub("a env-secret-fixture b env-session-token-fixture") == "a *** b ***");
}

TEST_CASE("credentials: half of a pair in the environment is a config error naming the missing variable")
{
  Resolver r;
  r.env.set("AWS_ACCESS_KEY_ID", "AKIDENV");
  CHECK(r.config_error().find("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not") != std::string::npos);
  Resolver w;
  w.env.set("AWS_ROLE_ARN", "arn:aws:iam::1:role/x");
  CHECK(w.config_error().find("AWS_ROLE_ARN is set but AWS_WEB_IDENTITY_TOKEN_FILE is not") != std::string::npos);
}

TEST_CASE("credentials: web identity from the environment comes before profiles and waits for first use")
{
  Resolver r;
  r.home.write(".aws/credentials", k_credentials_file);
  r.env.set("AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/secrets/eks.amazonaws.com/serviceaccount/token");
  r.env.set("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/credguard");
  auto provider = r.resolve();
  CHECK(dynamic_cast<WebIdentityCredentialProvider*>(provider.get()) != nullptr);
}

TEST_CASE("credentials: the default profile of ~/.aws/credentials")
{
  Resolver r;
  r.home.write(".aws/credentials", k_credentials_file);
  Credentials credentials = r.resolve()->credentials();
  CHECK(credentials.access_key_id == "AKIDDEFAULT");
  CHECK(credentials.secret_access_key.reveal() == "default-secret-fixture");
  CHECK(credentials.session_token.empty());
  CHECK(credentials.source.find("profile default in " + (r.home / ".aws/credentials").string()) != std::string::npos);
  CHECK(r.redactor.scrub("default-secret-fixture") == "***");
}

TEST_CASE("credentials: AWS_PROFILE picks a profile, from the credentials file or the config file")
{
  Resolver r;
  r.home.write(".aws/credentials", k_credentials_file);
  r.home.write(".aws/config", k_config_file);
  r.env.set("AWS_PROFILE", "ci");
  Credentials ci = r.resolve()->credentials();
  CHECK(ci.access_key_id == "AKIDCI");
  CHECK(ci.session_token.reveal() == "ci-session-token-fixture");
  CHECK(r.redactor.scrub("ci-session-token-fixture") == "***");

  r.env.set("AWS_PROFILE", "prod");
  Credentials prod = r.resolve()->credentials();
  CHECK(prod.access_key_id == "AKIDPROD"); // a nested "s3 =" block does not end the profile
  CHECK(prod.source.find("profile prod in " + (r.home / ".aws/config").string()) != std::string::npos);

  r.env.set("AWS_PROFILE", "eks");
  CHECK(dynamic_cast<WebIdentityCredentialProvider*>(r.resolve().get()) != nullptr);

  r.env.set("AWS_PROFILE", "absent");
  std::string error = r.config_error();
  CHECK(error.find("AWS_PROFILE names profile 'absent'") != std::string::npos);
}

TEST_CASE("credentials: AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE move the files")
{
  Resolver r;
  test::TempDir elsewhere;
  auto credentials_file = elsewhere.write("creds", "[default]\naws_access_key_id=AKIDMOVED\n"
                                                   "aws_secret_access_key=moved-secret-fixture\n");
  auto config_file = elsewhere.write("conf", "[profile prod]\naws_access_key_id=AKIDPRODMOVED\n"
                                             "aws_secret_access_key=prod-moved-fixture\n");
  r.home.write(".aws/credentials", k_credentials_file);
  r.env.set("AWS_SHARED_CREDENTIALS_FILE", credentials_file.string());
  r.env.set("AWS_CONFIG_FILE", config_file.string());
  CHECK(r.resolve()->credentials().access_key_id == "AKIDMOVED");
  r.env.set("AWS_PROFILE", "prod");
  CHECK(r.resolve()->credentials().access_key_id == "AKIDPRODMOVED");
}

TEST_CASE("credentials: an explicit profile (s3.profile) wins over the environment and must exist")
{
  Resolver r;
  r.home.write(".aws/credentials", k_credentials_file);
  r.env.set("AWS_ACCESS_KEY_ID", "AKIDENV");
  r.env.set("AWS_SECRET_ACCESS_KEY", "env-secret-fixture");
  r.profile = "ci";
  CHECK(r.resolve()->credentials().access_key_id == "AKIDCI");
  r.profile = "nope";
  CHECK(r.config_error().find("AWS profile 'nope' (s3.profile) has no credentials") != std::string::npos);
}

TEST_CASE("credentials: a profile with half a key pair or a role without a token file is a config error")
{
  Resolver r;
  r.home.write(".aws/credentials", "[default]\naws_access_key_id = AKIDHALF\n");
  CHECK(r.config_error().find("sets aws_access_key_id without aws_secret_access_key") != std::string::npos);
  Resolver role;
  role.home.write(".aws/config", "[default]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = base\n");
  CHECK(role.config_error().find("role_arn without web_identity_token_file") != std::string::npos);
}

TEST_CASE("credentials: with no source at all the error says where credentials may come from")
{
  Resolver r;
  std::string error = r.config_error();
  CHECK(error.find("no AWS credentials found") != std::string::npos);
  CHECK(error.find("AWS_ACCESS_KEY_ID") != std::string::npos);
  CHECK(error.find("AWS_WEB_IDENTITY_TOKEN_FILE") != std::string::npos);
}

TEST_CASE("credentials: the shared-file parser")
{
  auto sections = parse_aws_ini("; comment\n[default]\nregion=us-east-1\n  indented = kept\n"
                                "[profile a]\ns3 =\n  max_concurrent_requests = 20\nregion = eu-west-1\n"
                                "# comment\nAWS_Access_Key_Id = UPPER\n");
  CHECK(sections["default"]["region"] == "us-east-1");
  CHECK(sections["default"]["indented"] == "kept");
  CHECK(sections["profile a"]["region"] == "eu-west-1");
  CHECK(sections["profile a"]["aws_access_key_id"] == "UPPER");
  CHECK_FALSE(sections["profile a"].contains("max_concurrent_requests"));
}

TEST_CASE("credentials: the region comes from AWS_REGION, AWS_DEFAULT_REGION, then the profile")
{
  test::TempDir home;
  home.write(".aws/config", k_config_file);
  MapEnv env;
  env.set("HOME", home.path().string());
  CHECK(region_from_environment(env) == "eu-central-1");
  CHECK(region_from_environment(env, "prod") == "sa-east-1");
  env.set("AWS_PROFILE", "prod");
  CHECK(region_from_environment(env) == "sa-east-1");
  env.set("AWS_DEFAULT_REGION", "ap-south-1");
  CHECK(region_from_environment(env) == "ap-south-1");
  env.set("AWS_REGION", "us-west-2");
  CHECK(region_from_environment(env) == "us-west-2");
  MapEnv empty;
  empty.set("HOME", "/nonexistent");
  CHECK_FALSE(region_from_environment(empty));
}
