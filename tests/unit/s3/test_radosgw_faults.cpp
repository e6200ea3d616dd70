// Failures against a real S3 server (radosgw): corrupted uploads, bad
// credentials, and the server going away in the middle of an operation.
#include "support/tcp_proxy.hpp"
#include "support/temp_dir.hpp"
#include "unit/s3/s3_fixture.hpp"

#include <credguard/s3/digest.hpp>
#include <credguard/s3/sigv4.hpp>

#include <catch2/catch.hpp>

using namespace credguard;
using namespace credguard::test;
using s3::S3Error;

namespace {

// The error a call throws, or FAIL.
template <typename Call> S3Error error_of(Call&& call)
{
  try {
    call();
  } catch (const S3Error& error) {
    return error;
  }
  FAIL("no S3Error was thrown");
  throw std::logic_error("unreachable");
}

} // namespace

TEST_CASE("radosgw: a wrong Content-MD5 is BadDigest, a data error, and nothing is written")
{
  const auto& gateway = radosgw();
  GatewayClient gw;
  std::string bucket = unique_bucket("digest");
  gw.client.create_bucket(bucket);

  // A correctly signed PUT whose Content-MD5 is that of other bytes.
  std::string body = "model weights";
  std::string host = "127.0.0.1:" + std::to_string(gateway.port);
  s3::SigningInput input;
  input.method = "PUT";
  input.path = "/" + bucket + "/weights.bin";
  input.payload_sha256 = s3::sha256_hex(body);
  input.headers = {{"Host", host},
                   {"x-amz-date", s3::amz_date(std::chrono::system_clock::now())},
                   {"x-amz-content-sha256", input.payload_sha256},
                   {"Content-MD5", s3::md5_base64("other bytes")}};
  auto signature = s3::sign_v4(input, gateway.access_key, Secret(gateway.secret_key), {gateway.region, "s3"});
  http::Request request;
  request.method = "PUT";
  request.url = "http://" + host + input.path;
  request.headers = input.headers;
  request.headers.push_back({"Authorization", signature.authorization});
  request.body = body;
  http::Response response = gw.transport.perform(request);
  CHECK(response.status == 400);
  S3Error error = s3::make_error({"PutObject", bucket, "weights.bin", gateway.endpoint}, response);
  CHECK(error.code() == "BadDigest");
  CHECK(error.kind() == ErrorKind::data);
  CHECK(std::string(error.what()).find("s3://" + bucket + "/weights.bin") != std::string::npos);
  CHECK_FALSE(gw.client.head_object(bucket, "weights.bin"));
}

TEST_CASE("radosgw: an upload corrupted in transit fails as a data error and a rerun completes")
{
  GatewayClient gw;
  std::string bucket = unique_bucket("corrupt");
  gw.client.create_bucket(bucket);
  gw.transport.rewrite = [](http::Request& request) {
    if (request.method == "PUT" && !request.body.empty()) {
      request.body[0] = static_cast<char>(request.body[0] ^ 0x01);
    }
  };
  S3Error error = error_of([&] { gw.client.put_object(bucket, "manifest.json", R"({"sha256":"..."})"); });
  CHECK(error.kind() == ErrorKind::data);
  CHECK((error.code() == "BadDigest" || error.code() == "XAmzContentSHA256Mismatch"));
  CHECK(error.status() == 400);
  CHECK_FALSE(gw.client.head_object(bucket, "manifest.json"));

  gw.transport.rewrite = nullptr;
  s3::PutResult put = gw.client.put_object(bucket, "manifest.json", R"({"sha256":"..."})");
  CHECK(gw.client.get_object(bucket, "manifest.json") == R"({"sha256":"..."})");
  CHECK_FALSE(put.etag.empty());
}

TEST_CASE("radosgw: a wrong secret key is SignatureDoesNotMatch, an auth error naming no secret")
{
  const auto& gateway = radosgw();
  auto credentials = gateway_credentials(gateway);
  const std::string wrong_secret = "wrong-secret-fixture-value-0123456789";
  credentials.secret_access_key = Secret(wrong_secret);
  GatewayClient gw(gateway_options(gateway), credentials);
  S3Error error = error_of([&] { gw.client.list_all_objects("cg-any-bucket"); });
  CHECK(error.code() == "SignatureDoesNotMatch");
  CHECK(error.kind() == ErrorKind::auth);
  CHECK(error.status() == 403);
  std::string everything = std::string(error.what()) + error.hint() + gw.log.text();
  CHECK(everything.find(wrong_secret) == std::string::npos);
  CHECK(everything.find(gateway.secret_key) == std::string::npos);
}

TEST_CASE("radosgw: an unknown access key is InvalidAccessKeyId, an auth error")
{
  const auto& gateway = radosgw();
  auto credentials = gateway_credentials(gateway);
  credentials.access_key_id = "CGUNKNOWNKEY00000000";
  GatewayClient gw(gateway_options(gateway), credentials);
  S3Error error = error_of([&] { gw.client.put_object("cg-any-bucket", "k", "v"); });
  CHECK(error.code() == "InvalidAccessKeyId");
  CHECK(error.kind() == ErrorKind::auth);
}

TEST_CASE("radosgw: S3 going down mid-upload is an unavailable error, nothing is reported written, a rerun completes")
{
  const auto& gateway = radosgw();
  TcpProxy proxy(gateway.port);
  auto options = gateway_options(gateway);
  options.endpoint = proxy.url();
  options.max_concurrency = 1;
  GatewayClient through_proxy(options);
  GatewayClient direct;
  std::string bucket = unique_bucket("outage");
  direct.client.create_bucket(bucket);
  TempDir dir;
  auto file = random_file(dir, "model.bin", (14U << 20) + 1, 5);
  std::string sha = s3::digest_file(file).sha256_hex;

  proxy.cut_after_upload_bytes(7U << 20); // in the middle of the second part
  std::optional<s3::PutResult> reported;
  S3Error error = error_of([&] { reported = through_proxy.client.put_file(bucket, "artifacts/model.bin", file); });
  CHECK_FALSE(reported);
  CHECK(error.kind() == ErrorKind::unavailable);
  CHECK(error.status() == 0);
  std::string message = error.what();
  CHECK(message.find("UploadPart 2 of 3 s3://" + bucket + "/artifacts/model.bin") != std::string::npos);
  CHECK(message.find(proxy.url()) != std::string::npos);
  CHECK_FALSE(direct.client.head_object(bucket, "artifacts/model.bin"));
  // The abort could not reach the server either: it says so and leaves the upload.
  CHECK(through_proxy.log.text().find("AbortMultipartUpload") != std::string::npos);
  auto leftovers = direct.client.list_multipart_uploads(bucket);
  CHECK(leftovers.size() == 1);

  proxy.restore();
  s3::PutResult put = through_proxy.client.put_file(bucket, "artifacts/model.bin", file);
  CHECK(put.sha256 == sha);
  CHECK(direct.client.get_object_to_file(bucket, "artifacts/model.bin", dir / "back.bin").sha256 == sha);
  for (const auto& upload : leftovers) {
    direct.client.abort_multipart_upload(bucket, upload.key, upload.upload_id);
  }
  CHECK(direct.client.list_multipart_uploads(bucket).empty());
}

TEST_CASE("radosgw: S3 going down mid-copy fails the copy and a rerun completes")
{
  const auto& gateway = radosgw();
  TcpProxy proxy(gateway.port);
  auto options = gateway_options(gateway);
  options.endpoint = proxy.url();
  options.max_concurrency = 1;
  GatewayClient through_proxy(options);
  GatewayClient direct;
  std::string bucket = unique_bucket("copyout");
  direct.client.create_bucket(bucket);
  TempDir dir;
  auto file = random_file(dir, "big.bin", (11U << 20) + 7, 9);
  direct.client.put_file(bucket, "source.bin", file);

  // HEAD and CreateMultipartUpload pass; the first UploadPartCopy is cut.
  through_proxy.transport.rewrite = [&proxy](http::Request& request) {
    if (request.url.find("partNumber=1") != std::string::npos) {
      proxy.cut();
    }
  };
  std::optional<s3::CopyResult> reported;
  S3Error error =
      error_of([&] { reported = through_proxy.client.copy_object(bucket, "source.bin", bucket, "copy.bin"); });
  CHECK_FALSE(reported);
  CHECK(error.kind() == ErrorKind::unavailable);
  CHECK(std::string(error.what()).find("UploadPartCopy 1 of 3") != std::string::npos);
  CHECK_FALSE(direct.client.head_object(bucket, "copy.bin"));

  through_proxy.transport.rewrite = nullptr;
  proxy.restore();
  s3::CopyResult copied = through_proxy.client.copy_object(bucket, "source.bin", bucket, "copy.bin");
  CHECK(copied.parts == 3);
  CHECK(direct.client.get_object_to_file(bucket, "copy.bin", dir / "copy.bin").sha256 ==
        s3::digest_file(file).sha256_hex);
}

TEST_CASE("radosgw: a closed port is an unavailable error naming the endpoint")
{
  auto options = gateway_options(radosgw());
  std::string closed;
  {
    TcpProxy proxy(radosgw().port); // a port that was just free, and is free again
    closed = proxy.url();
  }
  options.endpoint = closed;
  GatewayClient gw(options);
  S3Error error = error_of([&] { gw.client.head_object("cg-bucket", "key"); });
  CHECK(error.kind() == ErrorKind::unavailable);
  CHECK(std::string(error.what()).find("HeadObject s3://cg-bucket/key at " + closed) != std::string::npos);
}
