#pragma once

#include <credguard/core/clock.hpp>
#include <credguard/core/secret.hpp>
#include <credguard/http/message.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace credguard::s3 {

// The payload hash that tells S3 the body is not signed (not used for our
// uploads, which always carry their SHA-256).
inline constexpr std::string_view k_unsigned_payload = "UNSIGNED-PAYLOAD";
// SHA-256 of the empty string.
inline constexpr std::string_view k_empty_sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// A query parameter, decoded. An empty value signs as `name=`.
struct QueryParam {
  std::string name;
  std::string value;
};

// AWS URI encoding: every byte but A-Z a-z 0-9 - . _ ~ becomes %XX
// (uppercase hex); '/' is kept when `keep_slash` (object key paths).
std::string uri_encode(std::string_view text, bool keep_slash);

// The canonical query string: names and values URI-encoded, sorted by name
// then value, joined with '&'. The same text is sent in the URL, so the
// server sees exactly what was signed.
std::string canonical_query(const std::vector<QueryParam>& params);

// "20150830T123600Z" for `time` (UTC).
std::string amz_date(SystemTime time);

// What is signed: a request whose path and query are still decoded.
struct SigningInput {
  std::string method;
  std::string path = "/"; // decoded, starting with '/'; each segment is encoded once, never normalised (S3)
  std::vector<QueryParam> query;
  std::vector<http::Header> headers; // every header to sign, `host` and `x-amz-date` included
  std::string payload_sha256 = std::string(k_empty_sha256);
};

// The intermediate strings and the result of signing, for tests and
// debugging. Contains no secret: the signature is not reversible.
struct Signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signed_headers; // "host;x-amz-date"
  std::string signature;      // hex
  std::string authorization;  // the Authorization header value
};

// Where a signature is valid: the credential scope's parts.
struct SigningScope {
  std::string region;
  std::string service = "s3";
};

// Signs `input` with AWS Signature Version 4 (AWS4-HMAC-SHA256). The date
// of the scope is taken from the input's x-amz-date header, which must be
// present. Header names are lower-cased and sorted, values trimmed with
// inner runs of spaces collapsed, repeated headers joined with ','.
// Throws Error(internal) when x-amz-date or host is missing.
Signature sign_v4(const SigningInput& input, std::string_view access_key_id, const Secret& secret_access_key,
                  const SigningScope& scope);

} // namespace credguard::s3
