#pragma once

#include <credguard/core/error.hpp>
#include <credguard/http/message.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace credguard::s3 {

// The fields of an S3 XML error body (<Error><Code>...).
struct ErrorBody {
  std::string code;
  std::string message;
  std::string request_id;
  std::string resource;
};

// Parses an S3 error document. nullopt when `body` is not one (empty, HTML
// from a proxy, another document).
std::optional<ErrorBody> parse_error_body(std::string_view body);

// The error kind (and so the exit code) for an S3 error code:
// AccessDenied, SignatureDoesNotMatch, InvalidAccessKeyId, ExpiredToken...
// -> auth; NoSuchKey, NoSuchBucket, BadDigest, XAmzContentSHA256Mismatch,
// InvalidArgument... -> data; BucketAlreadyExists, BucketNotEmpty,
// OperationAborted... -> conflict; 5xx, SlowDown, ServiceUnavailable ->
// unavailable. An unknown code falls back on the HTTP status.
ErrorKind kind_for_code(std::string_view code, long status);

// What a failed S3 call was about, for the message.
struct Target {
  std::string action; // "PutObject"
  std::string bucket;
  std::string key;
  std::string endpoint; // scheme://host[:port]
};

// A failed S3 call: a credguard::Error (so the CLI maps it like any other)
// that also keeps S3's error code and the HTTP status for callers that
// decide on them (NoSuchKey, AccessDenied on a locked version...). The
// message names the action, s3://bucket/key, the endpoint and the code.
class S3Error : public Error {
public:
  S3Error(ErrorKind kind, std::string message, std::string hint, std::string code, long status);

  // S3's error code ("NoSuchKey"); "NotFound"/"Forbidden" for a HEAD
  // without body; empty when no HTTP answer came.
  const std::string& code() const { return m_code; }
  // The HTTP status, 0 when the server could not be reached.
  long status() const { return m_status; }

private:
  std::string m_code;
  long m_status;
};

// Builds the error for a call that got `response` (a transport failure,
// or a non-2xx status, or a 200 whose body is an <Error>: CopyObject and
// CompleteMultipartUpload answer so).
S3Error make_error(const Target& target, const http::Response& response);

// Builds an error for a problem found by the client itself (ETag or hash
// mismatch, malformed answer), with the same message shape.
S3Error make_client_error(const Target& target, ErrorKind kind, std::string_view problem, std::string hint = {});

} // namespace credguard::s3
