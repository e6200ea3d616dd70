#pragma once

// Internal to credguard::s3: one S3 call before signing, and helpers the
// operation files share. Not for use outside lib/credguard/s3.

#include <credguard/http/message.hpp>
#include <credguard/s3/sigv4.hpp>
#include <credguard/s3/types.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace credguard::s3 {

// One S3 request, before addressing and signing.
struct Call {
  Call(std::string action_name, std::string http_method, std::string bucket_name, std::string object_key = {})
    : action(std::move(action_name))
    , method(std::move(http_method))
    , bucket(std::move(bucket_name))
    , key(std::move(object_key))
  {}

  std::string action; // S3 API name, for messages: "PutObject"
  std::string method;
  std::string bucket; // empty: the service itself
  std::string key;    // empty: the bucket itself
  std::vector<QueryParam> query;
  std::vector<http::Header> headers;
  std::string body;
  // A file range to stream as the body, with its precomputed digests.
  std::optional<http::Request::FileRange> body_file;
  std::string body_file_sha256;
  std::string body_file_md5;
  std::optional<std::filesystem::path> response_file;
  // CopyObject, UploadPartCopy and CompleteMultipartUpload may answer 200
  // with an <Error> body.
  bool error_in_200 = false;
};

// x-amz-meta-*, x-amz-tagging, Content-Type and Object Lock headers for a
// write with `options`; `sha256` is recorded as x-amz-meta-sha256 when
// store_sha256 and not empty.
std::vector<http::Header> write_headers(const PutOptions& options, const std::string& sha256);

// Object Lock headers for a destination (x-amz-object-lock-*).
void add_lock_headers(std::vector<http::Header>& headers, const std::optional<Retention>& retention, bool legal_hold);

// "k1=v1&k2=v2", URL-encoded, for x-amz-tagging.
std::string tagging_header(const std::vector<Tag>& tags);

// The ObjectInfo in HEAD/GET response headers.
ObjectInfo object_info_from_headers(const std::string& bucket, const std::string& key,
                                    const std::vector<http::Header>& headers);

// Removes the surrounding quotes of an ETag.
std::string unquote_etag(std::string_view etag);

// Parses an ISO 8601 time as S3 writes them (2026-11-23T08:00:00.000Z).
std::optional<SystemTime> parse_s3_time(std::string_view text);
// Formats a time the way Object Lock headers and bodies take it.
std::string format_s3_time(SystemTime time);
// Parses an HTTP date (Last-Modified: Sun, 23 Nov 2026 08:00:00 GMT).
std::optional<SystemTime> parse_http_date(std::string_view text);

// Decodes %XX and '+' (ListObjects with encoding-type=url).
std::string url_decode(std::string_view text);

} // namespace credguard::s3
