// Web identity (EKS IRSA) against a fake STS: STS cannot run here, so the
// loopback server answers as AssumeRoleWithWebIdentity is documented to,
// errors included (ErrorResponse/Error/Code).
#include "support/fake_clock.hpp"
#include "support/http_server.hpp"
#include "support/temp_dir.hpp"
#include "unit/s3/s3_fixture.hpp"

#include <credguard/core/error.hpp>
#include <credguard/core/time_format.hpp>
#include <credguard/s3/web_identity.hpp>

#include <catch2/catch.hpp>

using namespace credguard;
using namespace credguard::s3;
using test::HttpRequest;
using test::HttpResponse;

namespace {

constexpr const char* k_role = "arn:aws:iam::123456789012:role/credguard-forensics";

std::string success_xml(const std::string& key_id, const std::string& secret, const std::string& token,
                        const std::string& expiration)
{
  return R"(<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>system:serviceaccount:credguard:credguard</SubjectFromWebIdentityToken>
    <Audience>sts.amazonaws.com</Audience>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/credguard-forensics/credguard</Arn>
      <AssumedRoleId>AROAEXAMPLE:credguard</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <SessionToken>)" +
         token + R"(</SessionToken>
      <SecretAccessKey>)" +
         secret + R"(</SecretAccessKey>
      <Expiration>)" +
         expiration + R"(</Expiration>
      <AccessKeyId>)" +
         key_id + R"(</AccessKeyId>
    </Credentials>
    <Provider>arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE</Provider>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata><RequestId>ad4156e9-bce1-11e2-82e6-6b6efEXAMPLE</RequestId></ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>)";
}

HttpResponse sts_error(int status, const std::string& code, const std::string& message)
{
  HttpResponse response;
  response.status = status;
  response.headers.emplace_back("Content-Type", "text/xml");
  response.body = R"(<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>)" +
                  code + "</Code><Message>" + message + R"(</Message></Error>
  <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
</ErrorResponse>)";
  return response;
}

struct Sts {
  test::TempDir dir;
  test::FakeClock clock;
  Redactor redactor;
  test::RecordingLog log;
  std::filesystem::path token_file = dir.write("token", "eyJhbGciOiJSUzI1NiJ9.token-one-fixture.sig\n");
  std::unique_ptr<http::Transport> transport;

  Sts() { transport = http::make_curl_transport(test::quick_transport_options(), clock, log); }

  WebIdentityCredentialProvider provider(const std::string& endpoint)
  {
    WebIdentityOptions options;
    options.role_arn = k_role;
    options.token_file = token_file;
    options.session_name = "credguard-test";
    options.sts_endpoint = endpoint;
    options.source = "AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN";
    return WebIdentityCredentialProvider(options, *transport, clock, redactor, log);
  }
};

} // namespace

TEST_CASE("web identity: the token is exchanged at STS for temporary credentials")
{
  Sts sts;
  std::string expiration = format_rfc3339_seconds(sts.clock.now() + std::chrono::hours(1));
  test::HttpServer server([&](const HttpRequest& request) {
    if (request.method != "POST" || request.header("Authorization")) {
      return HttpResponse::text(400, "unexpected");
    }
    auto response = HttpResponse::text(
        200, success_xml("ASIATEMPKEY", "temp-secret-fixture", "temp-session-token-fixture", expiration));
    return response;
  });
  auto provider = sts.provider(server.url());
  Credentials credentials = provider.credentials();
  CHECK(credentials.access_key_id == "ASIATEMPKEY");
  CHECK(credentials.secret_access_key.reveal() == "temp-secret-fixture");
  CHECK(credentials.session_token.reveal() == "temp-session-token-fixture");
  CHECK(credentials.expiration == parse_rfc3339(expiration));
  CHECK(credentials.source.find(k_role) != std::string::npos);

  auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  const HttpRequest& sent = requests[0];
  CHECK(sent.path == "/");
  CHECK(sent.header("Content-Type") == "application/x-www-form-urlencoded");
  CHECK(sent.body.find("Action=AssumeRoleWithWebIdentity") != std::string::npos);
  CHECK(sent.body.find("Version=2011-06-15") != std::string::npos);
  CHECK(sent.body.find("RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fcredguard-forensics") != std::string::npos);
  CHECK(sent.body.find("RoleSessionName=credguard-test") != std::string::npos);
  CHECK(sent.body.find("WebIdentityToken=eyJhbGciOiJSUzI1NiJ9.token-one-fixture.sig") != std::string::npos);

  // Every secret in play is registered for scrubbing.
  CHECK(sts.redactor.scrub("temp-secret-fixture temp-session-token-fixture") == "*** ***");
  CHECK(sts.redactor.scrub("eyJhbGciOiJSUzI1NiJ9.token-one-fixture.sig") == "***");
}

TEST_CASE("web identity: credentials are cached, then refreshed with the rotated token before they expire")
{
  Sts sts;
  std::vector<std::string> tokens;
  int calls = 0;
  test::HttpServer server([&](const HttpRequest& request) {
    ++calls;
    tokens.push_back(request.body.substr(request.body.find("WebIdentityToken=") + 17));
    std::string expiration = format_rfc3339_seconds(sts.clock.now() + std::chrono::hours(1));
    return HttpResponse::text(200, success_xml("ASIAKEY" + std::to_string(calls),
                                               "secret-" + std::to_string(calls) + "-fixture",
                                               "session-fixture-" + std::to_string(calls), expiration));
  });
  auto provider = sts.provider(server.url());
  CHECK(provider.credentials().access_key_id == "ASIAKEY1");
  sts.clock.advance(std::chrono::minutes(50));
  CHECK(provider.credentials().access_key_id == "ASIAKEY1"); // still 10 minutes left
  CHECK(server.request_count() == 1);

  sts.dir.write("token", "eyJhbGciOiJSUzI1NiJ9.token-two-fixture.sig");
  sts.clock.advance(std::chrono::minutes(6)); // 4 minutes left: refresh
  CHECK(provider.credentials().access_key_id == "ASIAKEY2");
  CHECK(server.request_count() == 2);
  REQUIRE(tokens.size() == 2);
  CHECK(tokens[1] == "eyJhbGciOiJSUzI1NiJ9.token-two-fixture.sig");

  provider.invalidate();
  CHECK(provider.credentials().access_key_id == "ASIAKEY3");
}

TEST_CASE("web identity: STS refusals are auth errors naming the role, endpoint and code, never the token")
{
  Sts sts;
  test::HttpServer server([](const HttpRequest&) {
    return sts_error(400, "InvalidIdentityToken", "Couldn't retrieve verification key from your identity provider");
  });
  auto provider = sts.provider(server.url());
  try {
    provider.credentials();
    FAIL("credentials from a refused token");
  } catch (const Error& error) {
    std::string message = error.what();
    CHECK(error.kind() == ErrorKind::auth);
    CHECK(message.find("InvalidIdentityToken (HTTP 400)") != std::string::npos);
    CHECK(message.find(k_role) != std::string::npos);
    CHECK(message.find(server.url()) != std::string::npos);
    CHECK(message.find("token-one-fixture") == std::string::npos);
    CHECK(error.hint().find("AWS_WEB_IDENTITY_TOKEN_FILE") != std::string::npos);
  }
  CHECK(sts.log.text().find("token-one-fixture") == std::string::npos);

  server.set_handler([](const HttpRequest&) { return sts_error(403, "AccessDenied", "Not authorized"); });
  CHECK_THROWS_AS(provider.credentials(), Error);
  server.set_handler([](const HttpRequest&) { return sts_error(400, "ExpiredTokenException", "Token expired"); });
  try {
    provider.credentials();
  } catch (const Error& error) {
    CHECK(error.kind() == ErrorKind::auth);
    CHECK(std::string(error.what()).find("ExpiredTokenException") != std::string::npos);
  }
}

TEST_CASE("web identity: an unreachable or failing STS is unavailable")
{
  Sts sts;
  test::HttpServer server([](const HttpRequest&) {
    return sts_error(400, "IDPCommunicationError", "The identity provider could not be reached");
  });
  auto provider = sts.provider(server.url());
  try {
    provider.credentials();
    FAIL("no error");
  } catch (const Error& error) {
    CHECK(error.kind() == ErrorKind::unavailable);
  }
  server.set_handler([](const HttpRequest&) { return HttpResponse::text(503, "busy"); });
  try {
    provider.credentials();
    FAIL("no error");
  } catch (const Error& error) {
    CHECK(error.kind() == ErrorKind::unavailable);
    CHECK(std::string(error.what()).find("HTTP 503") != std::string::npos);
  }
  std::string closed = server.url();
  server.stop();
  auto unreachable = sts.provider(closed);
  try {
    unreachable.credentials();
    FAIL("no error");
  } catch (const Error& error) {
    CHECK(error.kind() == ErrorKind::unavailable);
    CHECK(std::string(error.what()).find(closed) != std::string::npos);
  }
}

TEST_CASE("web identity: a missing token file is an io error, an answer without credentials a data error")
{
  Sts sts;
  test::HttpServer server([](const HttpRequest&) {
    return HttpResponse::text(200, "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult/>"
                                   "</AssumeRoleWithWebIdentityResponse>");
  });
  auto provider = sts.provider(server.url());
  try {
    provider.credentials();
    FAIL("no error");
  } catch (const Error& error) {
    CHECK(error.kind() == ErrorKind::data);
  }
  std::filesystem::remove(sts.token_file);
  try {
    provider.credentials();
    FAIL("no error");
  } catch (const Error& error) {
    CHECK(error.kind() == ErrorKind::io);
    CHECK(std::string(error.what()).find(sts.token_file.string()) != std::string::npos);
  }
}

TEST_CASE("web identity: the STS endpoint follows AWS_ENDPOINT_URL_STS, else the region")
{
  MapEnv env;
  CHECK(sts_endpoint(env, "") == "https://sts.amazonaws.com");
  CHECK(sts_endpoint(env, "eu-west-1") == "https://sts.eu-west-1.amazonaws.com");
  env.set("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9000");
  CHECK(sts_endpoint(env, "eu-west-1") == "http://127.0.0.1:9000");
}
