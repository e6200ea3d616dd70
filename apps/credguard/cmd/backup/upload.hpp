#pragma once

#include "cli/context.hpp"

#include <credguard/backup/upload.hpp>
#include <credguard/s3/settings.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace credguard::cli {

// Where a job's files go in S3: s3.backup_bucket, under the prefix read
// from `prefix_key`, under Object Lock until now +
// backup.object_lock_retention when that is set.
struct S3Destination {
  s3::Settings settings;
  backup::UploadTarget target;
};

// The destination, or nullopt when s3.backup_bucket is not set. The prefix
// is the value of `prefix_key` (e.g. "backup.s3_prefix"), else
// `default_prefix`. Throws Error(config) for a malformed s3 section.
std::optional<S3Destination> s3_destination(Context& ctx, const std::string& prefix_key,
                                            const std::string& default_prefix);

// Uploads `file` and its .sha256 to `destination` and checks that S3 holds
// the same bytes (SHA-256 and size). Returns {bucket, key, version_id,
// parts, locked, ok: true}. Throws what backup::upload_backup throws
// (s3::S3Error naming the bucket, key and endpoint; Error(data) on a
// mismatch).
nlohmann::json upload_to_s3(Context& ctx, const S3Destination& destination, const backup::WrittenFile& file);

// What a failed upload leaves for the report: {bucket, key, ok: false, error}.
nlohmann::json failed_upload(const S3Destination& destination, const backup::WrittenFile& file,
                             const std::string& error);

} // namespace credguard::cli
