// What the client sends where radosgw cannot show it: AWS endpoints and
// virtual-host names, session tokens, expired-token refresh. Requests are
// captured before any network; everything an S3 server does is tested
// against radosgw (test_radosgw_*.cpp).
#include "support/fake_clock.hpp"
#include "support/http_server.hpp"
#include "unit/s3/s3_fixture.hpp"

#include <credguard/core/error.hpp>
#include <credguard/s3/client.hpp>
#include <credguard/s3/digest.hpp>
#include <credguard/s3/sigv4.hpp>

#include <catch2/catch.hpp>

using namespace credguard;
using namespace credguard::s3;

namespace {

// Records requests and answers each with `answer`, without any network.
class CapturingTransport final : public http::Transport {
public:
  std::vector<http::Response> perform_all(std::span<const http::Request> requests, const http::FanOutOptions&) override
  {
    std::vector<http::Response> responses;
    for (const auto& request : requests) {
      sent.push_back(request);
      responses.push_back(answer);
    }
    return responses;
  }

  std::vector<http::Request> sent;
  http::Response answer = [] {
    http::Response response;
    response.status = 200;
    return response;
  }();
};

// Counts invalidations and hands out a new key after each.
class RotatingProvider final : public CredentialProvider {
public:
  Credentials credentials() override
  {
    Credentials credentials;
    credentials.access_key_id = "ASIAROTATION" + std::to_string(generation);
    credentials.secret_access_key = Secret("rotating-secret-fixture-" + std::to_string(generation));
    credentials.session_token = Secret("rotating-session-fixture-" + std::to_string(generation));
    return credentials;
  }
  void invalidate() override { ++generation; }

  int generation = 1;
};

struct Captured {
  explicit Captured(ClientOptions options, Credentials credentials = session_credentials())
    : client(std::move(options), std::make_shared<StaticCredentialProvider>(std::move(credentials)), transport, clock,
             log)
  {}

  static Credentials session_credentials()
  {
    Credentials credentials;
    credentials.access_key_id = "ASIATESTKEY";
    credentials.secret_access_key = Secret("capture-secret-fixture");
    credentials.session_token = Secret("capture-session-token-fixture");
    return credentials;
  }

  test::FakeClock clock;
  test::RecordingLog log;
  CapturingTransport transport;
  Client client;
};

ClientOptions aws(std::string region = "eu-west-1")
{
  ClientOptions options;
  options.region = std::move(region);
  return options;
}

std::string config_error(ClientOptions options)
{
  try {
    Captured captured(std::move(options));
    FAIL("the endpoint was accepted");
  } catch (const Error& error) {
    CHECK(error.kind() == ErrorKind::config);
    return error.what();
  }
  return {};
}

} // namespace

TEST_CASE("s3 client: AWS endpoints use virtual-host addressing unless the bucket name forbids it")
{
  Captured captured(aws());
  captured.transport.answer.body = "<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>";
  CHECK(captured.client.endpoint() == "https://s3.eu-west-1.amazonaws.com");
  captured.client.get_object("credguard-forensics", "quarantine/m/7/model.bin");
  captured.client.get_object("forensics.example.com", "a b.txt");
  captured.client.list_objects("credguard-forensics");
  REQUIRE(captured.transport.sent.size() == 3);
  CHECK(captured.transport.sent[0].url ==
        "https://credguard-forensics.s3.eu-west-1.amazonaws.com/quarantine/m/7/model.bin");
  CHECK(test::header_of(captured.transport.sent[0], "Host") == "credguard-forensics.s3.eu-west-1.amazonaws.com");
  // A dotted name does not match the wildcard certificate: path-style.
  CHECK(captured.transport.sent[1].url == "https://s3.eu-west-1.amazonaws.com/forensics.example.com/a%20b.txt");
  CHECK(captured.transport.sent[2].url ==
        "https://credguard-forensics.s3.eu-west-1.amazonaws.com/?encoding-type=url&list-type=2");
}

TEST_CASE("s3 client: custom endpoints use path-style unless told otherwise")
{
  ClientOptions options = aws("us-east-1");
  options.endpoint = "http://ceph-rgw.internal:80/";
  Captured path(options);
  CHECK(path.client.endpoint() == "http://ceph-rgw.internal");
  path.client.head_object("forensics", "k");
  CHECK(path.transport.sent.at(0).url == "http://ceph-rgw.internal/forensics/k");
  CHECK(test::header_of(path.transport.sent.at(0), "Host") == "ceph-rgw.internal");

  options.endpoint = "https://minio.internal:9000";
  options.addressing = Addressing::virtual_host;
  Captured vhost(options);
  vhost.client.head_object("forensics", "k");
  CHECK(vhost.transport.sent.at(0).url == "https://forensics.minio.internal:9000/k");
  CHECK(test::header_of(vhost.transport.sent.at(0), "Host") == "forensics.minio.internal:9000");
}

TEST_CASE("s3 client: malformed endpoints are config errors")
{
  ClientOptions options;
  options.endpoint = "ceph-rgw.internal:7480";
  CHECK(config_error(options).find("not a URL") != std::string::npos);
  options.endpoint = "http://ceph-rgw.internal:7480/prefix";
  CHECK(config_error(options).find("with no path") != std::string::npos);
  options.endpoint = "ftp://ceph-rgw.internal";
  CHECK_FALSE(config_error(options).empty());
  CHECK(parse_addressing("path") == Addressing::path);
  CHECK(parse_addressing("virtual") == Addressing::virtual_host);
  CHECK(parse_addressing("auto") == Addressing::automatic);
  CHECK_FALSE(parse_addressing("vhost"));
}

TEST_CASE("s3 client: every request carries its payload hash, MD5 and a signed session token")
{
  Captured captured(aws());
  captured.client.put_object("credguard-forensics", "m.json", "{}");
  captured.client.head_object("credguard-forensics", "m.json");
  REQUIRE(captured.transport.sent.size() == 2);
  const auto& put = captured.transport.sent[0];
  CHECK(test::header_of(put, "x-amz-content-sha256") == sha256_hex("{}"));
  CHECK(test::header_of(put, "Content-MD5") == md5_base64("{}"));
  CHECK(test::header_of(put, "x-amz-meta-sha256") == sha256_hex("{}"));
  CHECK(test::header_of(put, "x-amz-security-token") == "capture-session-token-fixture");
  auto authorization = test::header_of(put, "Authorization").value_or("");
  CHECK(authorization.starts_with("AWS4-HMAC-SHA256 Credential=ASIATESTKEY/"));
  CHECK(authorization.find("/eu-west-1/s3/aws4_request") != std::string::npos);
  CHECK(authorization.find("content-md5;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-meta-sha256;"
                           "x-amz-security-token") != std::string::npos);
  CHECK(put.path_as_is);
  CHECK_FALSE(put.timeout); // small in-memory bodies keep the transport's timeout
  const auto& head = captured.transport.sent[1];
  CHECK(test::header_of(head, "x-amz-content-sha256") == std::string(k_empty_sha256));
  CHECK_FALSE(test::header_of(head, "Content-MD5"));
}

TEST_CASE("s3 client: Object Lock, tagging and metadata headers on a PUT")
{
  Captured captured(aws());
  PutOptions options;
  options.content_type = "application/json";
  options.metadata["Incident"] = "INC-1";
  options.tags = {{"state", "quarantined"}, {"reason", "drift & bias"}};
  options.retention =
      Retention{LockMode::compliance, SystemTime(std::chrono::sys_days{std::chrono::year{2031} / 11 / 23})};
  options.legal_hold = true;
  captured.client.put_object("credguard-forensics", "MANIFEST.json", "{}", options);
  const auto& put = captured.transport.sent.at(0);
  CHECK(test::header_of(put, "Content-Type") == "application/json");
  CHECK(test::header_of(put, "x-amz-meta-incident") == "INC-1");
  CHECK(test::header_of(put, "x-amz-tagging") == "state=quarantined&reason=drift%20%26%20bias");
  CHECK(test::header_of(put, "x-amz-object-lock-mode") == "COMPLIANCE");
  CHECK(test::header_of(put, "x-amz-object-lock-retain-until-date") == "2031-11-23T00:00:00.000Z");
  CHECK(test::header_of(put, "x-amz-object-lock-legal-hold") == "ON");
}

TEST_CASE("s3 client: a single PUT whose ETag is not the body's MD5 is not reported as written")
{
  Captured captured(aws());
  captured.transport.answer.headers.push_back({"ETag", "\"00000000000000000000000000000000\""});
  try {
    captured.client.put_object("credguard-forensics", "x.bin", "payload");
    FAIL("a mismatching ETag was accepted");
  } catch (const S3Error& error) {
    CHECK(error.kind() == ErrorKind::data);
    CHECK(std::string(error.what()).find("does not match the body's MD5") != std::string::npos);
  }
}

TEST_CASE("s3 client: an expired session token is refreshed once and the call retried")
{
  int calls = 0;
  test::HttpServer server([&](const test::HttpRequest& request) {
    ++calls;
    if (request.header("x-amz-security-token") == "rotating-session-fixture-1") {
      return test::HttpResponse::text(400, "<Error><Code>ExpiredToken</Code><Message>The provided token has "
                                           "expired.</Message></Error>");
    }
    return test::HttpResponse::text(200, "fresh");
  });
  auto provider = std::make_shared<RotatingProvider>();
  test::FakeClock clock;
  test::RecordingLog log;
  auto transport = http::make_curl_transport(test::quick_transport_options(), clock, log);
  ClientOptions options;
  options.endpoint = server.url();
  Client client(options, provider, *transport, clock, log);
  CHECK(client.get_object("bucket", "key") == "fresh");
  CHECK(calls == 2);
  CHECK(provider->generation == 2);

  server.set_handler([](const test::HttpRequest&) {
    return test::HttpResponse::text(400, "<Error><Code>ExpiredToken</Code></Error>");
  });
  try {
    client.get_object("bucket", "key");
    FAIL("no error");
  } catch (const S3Error& error) {
    CHECK(error.code() == "ExpiredToken");
    CHECK(error.kind() == ErrorKind::auth);
    std::string text = std::string(error.what()) + error.hint() + log.text();
    CHECK(text.find("rotating-secret-fixture") == std::string::npos);
    CHECK(text.find("rotating-session-fixture") == std::string::npos);
  }
}

TEST_CASE("s3 client: bucket and key limits are checked before sending")
{
  Captured captured(aws());
  CHECK_THROWS_AS(captured.client.head_object("ab", "k"), Error);
  CHECK_THROWS_AS(captured.client.head_object("a/b-bucket", "k"), Error);
  CHECK_THROWS_AS(captured.client.head_object("bucket", std::string(1025, 'k')), Error);
  CHECK(captured.transport.sent.empty());
}

TEST_CASE("s3 client: requests that move object data get the transfer timeout")
{
  ClientOptions options = aws();
  options.transfer_timeout = std::chrono::minutes(42);
  Captured captured(options);
  test::TempDir dir;
  captured.transport.answer.headers.push_back({"ETag", "\"" + to_hex(*from_base64(md5_base64("data"))) + "\""});
  captured.client.put_file("credguard-forensics", "f.bin", dir.write("f.bin", "data"));
  REQUIRE(captured.transport.sent.size() == 1);
  CHECK(captured.transport.sent[0].timeout == Millis(std::chrono::minutes(42)));
  REQUIRE(captured.transport.sent[0].body_file);
  CHECK(captured.transport.sent[0].body_file->length == 4U);
}
