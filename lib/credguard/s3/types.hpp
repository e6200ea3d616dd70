#pragma once

#include <credguard/core/clock.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace credguard::s3 {

// S3 Object Lock retention modes. COMPLIANCE: nobody can shorten the
// retention or delete the version before the date; GOVERNANCE: users with
// s3:BypassGovernanceRetention can.
enum class LockMode { governance, compliance };

// "GOVERNANCE" or "COMPLIANCE".
std::string_view to_string(LockMode mode);
// Parses "GOVERNANCE"/"COMPLIANCE", case-insensitively; nullopt otherwise.
std::optional<LockMode> parse_lock_mode(std::string_view text);

// The Object Lock retention of one object version.
struct Retention {
  LockMode mode = LockMode::compliance;
  SystemTime retain_until;
};

// True when `held` (a version's retention as read back) has `wanted`'s mode
// and lasts at least as long, to the second: servers may keep whole
// seconds of the date sent.
bool retention_covers(const std::optional<Retention>& held, const Retention& wanted);

struct Tag {
  std::string key;
  std::string value;
  bool operator==(const Tag&) const = default;
};

// How an object is written (PutObject, CreateMultipartUpload).
struct PutOptions {
  std::string content_type = "application/octet-stream";
  // User metadata, sent as x-amz-meta-NAME; names are lower-cased.
  std::map<std::string, std::string> metadata;
  std::vector<Tag> tags; // x-amz-tagging
  std::optional<Retention> retention;
  bool legal_hold = false;
  // Record the body's SHA-256 as x-amz-meta-sha256, so downloads can be
  // verified end to end.
  bool store_sha256 = true;
};

// What was written. Only returned once S3 confirmed the write.
struct PutResult {
  std::string bucket;
  std::string key;
  std::string etag;       // without quotes
  std::string version_id; // empty when the bucket is not versioned
  std::uint64_t size = 0;
  std::string sha256;    // hex SHA-256 of the whole body
  std::size_t parts = 0; // 0 for a single PUT
};

// An object's properties, from HEAD or GET.
struct ObjectInfo {
  std::string bucket;
  std::string key;
  std::uint64_t size = 0;
  std::string etag; // without quotes
  std::string version_id;
  std::optional<SystemTime> last_modified;
  std::string content_type;
  std::map<std::string, std::string> metadata; // x-amz-meta-*: lower-case names without the prefix
  std::optional<Retention> retention;
  bool legal_hold = false;
};

// A download: the object's properties and the SHA-256 of the bytes written.
struct GetResult {
  ObjectInfo info;
  std::string sha256;
};

// Server-side copy options.
struct CopyOptions {
  std::string source_version_id; // default: the current version
  // Replace the metadata (REPLACE directive); nullopt copies the source's.
  std::optional<std::map<std::string, std::string>> metadata;
  std::vector<Tag> tags; // when not empty, replaces the source's tags
  std::optional<Retention> retention;
  bool legal_hold = false;
};

struct CopyResult {
  std::string etag;
  std::string version_id;
  std::uint64_t size = 0;
  std::size_t parts = 0; // 0 for a single CopyObject
};

// One ListObjectsV2 request.
struct ListOptions {
  std::string prefix;
  std::string delimiter;
  int max_keys = 0; // 0: the server's default (1000)
  std::string continuation_token;
  std::string start_after;
};

struct ObjectSummary {
  std::string key;
  std::uint64_t size = 0;
  std::string etag;
  std::optional<SystemTime> last_modified;
  std::string storage_class;
};

// One page of ListObjectsV2.
struct ListPage {
  std::vector<ObjectSummary> objects;
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  std::string next_continuation_token; // set when truncated
};

// One entry of ListObjectVersions: a version or a delete marker.
struct ObjectVersion {
  std::string key;
  std::string version_id;
  bool is_latest = false;
  bool delete_marker = false;
  std::uint64_t size = 0;
  std::string etag;
  std::optional<SystemTime> last_modified;
};

struct DeleteResult {
  bool delete_marker = false; // a marker was added (versioned bucket, no version given) or removed
  std::string version_id;     // of the marker added, or of the version deleted
};

// A multipart upload that was started and neither completed nor aborted.
struct MultipartUpload {
  std::string key;
  std::string upload_id;
};

// A bucket's Object Lock configuration.
struct ObjectLockConfiguration {
  bool enabled = false;
  std::optional<LockMode> default_mode;
  std::optional<int> default_days;
  std::optional<int> default_years;
};

struct CreateBucketOptions {
  bool object_lock = false; // also turns versioning on
  // LocationConstraint; default: the client's region unless us-east-1 or a custom endpoint.
  std::optional<std::string> location_constraint;
};

} // namespace credguard::s3
