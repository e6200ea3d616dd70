#include <credguard/s3/error.hpp>

#include <catch2/catch.hpp>

using namespace credguard;
using namespace credguard::s3;

namespace {

http::Response answer(long status, std::string body)
{
  http::Response response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

const Target k_target{"GetObject", "forensics", "quarantine/m/7/INC-1/model.bin", "http://s3.internal:7480"};

} // namespace

TEST_CASE("s3 error: the XML error body is parsed")
{
  auto body = parse_error_body(R"(<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>
<Resource>/forensics/x</Resource><RequestId>tx00001</RequestId></Error>)");
  REQUIRE(body);
  CHECK(body->code == "NoSuchKey");
  CHECK(body->message == "The specified key does not exist.");
  CHECK(body->request_id == "tx00001");
  CHECK(body->resource == "/forensics/x");
  CHECK_FALSE(parse_error_body(""));
  CHECK_FALSE(parse_error_body("<html><body>502 Bad Gateway</body></html>"));
  CHECK_FALSE(parse_error_body("<CopyObjectResult><ETag>x</ETag></CopyObjectResult>"));
  CHECK_FALSE(parse_error_body("<Error><Code>truncated"));
}

TEST_CASE("s3 error: codes map to kinds and exit codes")
{
  CHECK(kind_for_code("AccessDenied", 403) == ErrorKind::auth);
  CHECK(kind_for_code("SignatureDoesNotMatch", 403) == ErrorKind::auth);
  CHECK(kind_for_code("InvalidAccessKeyId", 403) == ErrorKind::auth);
  CHECK(kind_for_code("ExpiredToken", 400) == ErrorKind::auth);
  CHECK(kind_for_code("RequestTimeTooSkewed", 403) == ErrorKind::auth);
  CHECK(kind_for_code("NoSuchKey", 404) == ErrorKind::data);
  CHECK(kind_for_code("NoSuchBucket", 404) == ErrorKind::data);
  CHECK(kind_for_code("BadDigest", 400) == ErrorKind::data);
  CHECK(kind_for_code("XAmzContentSHA256Mismatch", 400) == ErrorKind::data);
  CHECK(kind_for_code("InvalidArgument", 400) == ErrorKind::data);
  CHECK(kind_for_code("BucketAlreadyExists", 409) == ErrorKind::conflict);
  CHECK(kind_for_code("InternalError", 500) == ErrorKind::unavailable);
  CHECK(kind_for_code("SlowDown", 503) == ErrorKind::unavailable);
  CHECK(kind_for_code("SomethingNew", 502) == ErrorKind::unavailable);
  CHECK(kind_for_code("SomethingNew", 403) == ErrorKind::auth);
  CHECK(kind_for_code("SomethingNew", 400) == ErrorKind::data);
  CHECK(exit_code_for(kind_for_code("AccessDenied", 403)) == ExitCode::auth);
  CHECK(exit_code_for(kind_for_code("NoSuchKey", 404)) == ExitCode::data);
}

TEST_CASE("s3 error: the message names action, object, endpoint, code and status")
{
  S3Error error = make_error(k_target, answer(404, "<Error><Code>NoSuchKey</Code><Message>The specified key "
                                                   "does not exist.</Message><RequestId>tx9</RequestId></Error>"));
  CHECK(std::string(error.what()) == "s3: GetObject s3://forensics/quarantine/m/7/INC-1/model.bin at "
                                     "http://s3.internal:7480: NoSuchKey (HTTP 404): The specified key does not "
                                     "exist. (request id tx9)");
  CHECK(error.code() == "NoSuchKey");
  CHECK(error.status() == 404);
  CHECK(error.kind() == ErrorKind::data);

  S3Error signature = make_error(k_target, answer(403, "<Error><Code>SignatureDoesNotMatch</Code></Error>"));
  CHECK(signature.kind() == ErrorKind::auth);
  CHECK(signature.hint().find("secret access key") != std::string::npos);

  S3Error digest = make_error(k_target, answer(400, "<Error><Code>BadDigest</Code></Error>"));
  CHECK(digest.kind() == ErrorKind::data);
  CHECK(digest.hint().find("run again") != std::string::npos);
}

TEST_CASE("s3 error: answers without an XML body and transport failures")
{
  S3Error head = make_error(k_target, answer(404, ""));
  CHECK(head.code() == "NotFound");
  CHECK(head.kind() == ErrorKind::data);
  CHECK(make_error(k_target, answer(403, "")).code() == "Forbidden");

  S3Error proxy = make_error(k_target, answer(502, "<html>\nBad Gateway\n</html>"));
  CHECK(proxy.code() == "HTTP502");
  CHECK(proxy.kind() == ErrorKind::unavailable);
  CHECK(std::string(proxy.what()).find('\n') == std::string::npos);

  http::Response refused;
  refused.error = http::TransportError::connect;
  refused.error_message = "Failed to connect to s3.internal port 7480: Connection refused";
  S3Error down = make_error(k_target, refused);
  CHECK(down.kind() == ErrorKind::unavailable);
  CHECK(down.status() == 0);
  CHECK(down.code().empty());
  CHECK(std::string(down.what())
            .find("s3://forensics/quarantine/m/7/INC-1/model.bin at http://s3.internal:7480: "
                  "Failed to connect") != std::string::npos);

  http::Response interrupted;
  interrupted.error = http::TransportError::interrupted;
  CHECK(make_error(k_target, interrupted).kind() == ErrorKind::interrupted);
}

TEST_CASE("s3 error: a 200 answer carrying an <Error> is an error")
{
  S3Error error = make_error({"CompleteMultipartUpload", "b", "k", "http://h"},
                             answer(200, "<Error><Code>InternalError</Code><Message>retry</Message></Error>"));
  CHECK(error.code() == "InternalError");
  CHECK(error.kind() == ErrorKind::unavailable);
}
