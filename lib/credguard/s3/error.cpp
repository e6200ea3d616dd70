#include <credguard/core/strings.hpp>
#include <credguard/s3/error.hpp>
#include <credguard/s3/xml.hpp>

#include <fmt/format.h>

#include <array>
#include <utility>

namespace credguard::s3 {

namespace {

constexpr std::array k_auth_codes = {
    "AccessDenied",
    "SignatureDoesNotMatch",
    "InvalidAccessKeyId",
    "ExpiredToken",
    "InvalidToken",
    "TokenRefreshRequired",
    "AccountProblem",
    "AllAccessDisabled",
    "RequestTimeTooSkewed",
    "Forbidden",
    "InvalidSecurity",
    "MissingSecurityHeader",
    "AuthorizationHeaderMalformed",
};
constexpr std::array k_conflict_codes = {
    "BucketAlreadyExists", "BucketAlreadyOwnedByYou", "BucketNotEmpty",     "OperationAborted",
    "InvalidBucketState",  "InvalidObjectState",      "PreconditionFailed", "ObjectLockConfigurationNotFoundError",
};
constexpr std::array k_unavailable_codes = {
    "InternalError", "ServiceUnavailable", "SlowDown", "RequestTimeout", "Throttling",
};

template <std::size_t N> bool contains(const std::array<const char*, N>& codes, std::string_view code)
{
  for (const char* candidate : codes) {
    if (code == candidate) {
      return true;
    }
  }
  return false;
}

std::string hint_for(std::string_view code, long status)
{
  if (code == "SignatureDoesNotMatch") {
    return "the secret access key does not match the access key id, or the request was altered in transit";
  }
  if (code == "InvalidAccessKeyId") {
    return "the access key id is unknown to this endpoint: check the credentials and s3.endpoint";
  }
  if (code == "ExpiredToken" || code == "InvalidToken" || code == "TokenRefreshRequired") {
    return "the session token is expired or invalid: refresh the credentials";
  }
  if (code == "RequestTimeTooSkewed") {
    return "this machine's clock differs from the server's by more than 15 minutes";
  }
  if (code == "AccessDenied" || code == "Forbidden") {
    return "check the credentials' permissions and the bucket policy; a version under Object Lock retention or "
           "legal hold cannot be deleted";
  }
  if (code == "NoSuchBucket") {
    return "check the bucket name (s3.forensic_bucket, s3.backup_bucket) and s3.endpoint";
  }
  if (code == "BadDigest" || code == "XAmzContentSHA256Mismatch") {
    return "the body that arrived differs from the one sent (or the file changed while uploading); run again";
  }
  if (status == 0) {
    return "check that s3.endpoint is reachable";
  }
  if (status >= 500) {
    return "the S3 service failed; try again later";
  }
  return {};
}

std::string location(const Target& target)
{
  if (target.bucket.empty()) {
    return target.endpoint;
  }
  std::string object =
      target.key.empty() ? fmt::format("s3://{}", target.bucket) : fmt::format("s3://{}/{}", target.bucket, target.key);
  return fmt::format("{} at {}", object, target.endpoint);
}

} // namespace

std::optional<ErrorBody> parse_error_body(std::string_view body)
{
  std::string_view text = trim(body);
  if (text.empty() || text.front() != '<') {
    return std::nullopt;
  }
  try {
    XmlElement root = parse_xml(text, "S3 error");
    if (root.name != "Error") {
      return std::nullopt;
    }
    ErrorBody error;
    error.code = root.child_text("Code").value_or("");
    error.message = root.child_text("Message").value_or("");
    error.request_id = root.child_text("RequestId").value_or("");
    error.resource = root.child_text("Resource").value_or("");
    if (error.code.empty()) {
      return std::nullopt;
    }
    return error;
  } catch (const Error&) {
    return std::nullopt;
  }
}

ErrorKind kind_for_code(std::string_view code, long status)
{
  if (contains(k_auth_codes, code)) {
    return ErrorKind::auth;
  }
  if (contains(k_conflict_codes, code)) {
    return ErrorKind::conflict;
  }
  if (contains(k_unavailable_codes, code) || status >= 500 || status == 0) {
    return ErrorKind::unavailable;
  }
  if (status == 401 || status == 403) {
    return ErrorKind::auth;
  }
  if (status == 409) {
    return ErrorKind::conflict;
  }
  return ErrorKind::data;
}

S3Error::S3Error(ErrorKind kind, std::string message, std::string hint, std::string code, long status)
  : Error(kind, std::move(message), std::move(hint))
  , m_code(std::move(code))
  , m_status(status)
{}

S3Error make_error(const Target& target, const http::Response& response)
{
  if (!response.transport_ok()) {
    return S3Error(response.error == http::TransportError::interrupted ? ErrorKind::interrupted
                                                                       : ErrorKind::unavailable,
                   fmt::format("s3: {} {}: {} ({})", target.action, location(target), response.error_message,
                               to_string(response.error)),
                   hint_for("", 0), "", 0);
  }
  std::optional<ErrorBody> body = parse_error_body(response.body);
  std::string code;
  std::string detail;
  if (body) {
    code = body->code;
    detail = body->message;
    if (!body->request_id.empty()) {
      detail += fmt::format(" (request id {})", body->request_id);
    }
  } else if (response.status == 404) {
    code = "NotFound";
  } else if (response.status == 403) {
    code = "Forbidden";
  } else {
    code = fmt::format("HTTP{}", response.status);
    detail = std::string(trim(response.body.substr(0, 200)));
  }
  std::string message = fmt::format("s3: {} {}: {} (HTTP {})", target.action, location(target), code, response.status);
  if (!trim(detail).empty()) {
    message += ": " + std::string(trim(detail));
  }
  for (char& c : message) {
    if (c == '\n' || c == '\r') {
      c = ' ';
    }
  }
  return S3Error(kind_for_code(code, response.status), std::move(message), hint_for(code, response.status), code,
                 response.status);
}

S3Error make_client_error(const Target& target, ErrorKind kind, std::string_view problem, std::string hint)
{
  return S3Error(kind, fmt::format("s3: {} {}: {}", target.action, location(target), problem), std::move(hint), "", 0);
}

} // namespace credguard::s3
