#pragma once

#include <credguard/backup/gzip_file.hpp>
#include <credguard/s3/client.hpp>

#include <optional>
#include <string>

namespace credguard::backup {

// Where and how a backup goes to S3.
struct UploadTarget {
  std::string bucket;
  std::string prefix;                     // e.g. "mysql/"; keys are prefix + file name
  std::optional<s3::Retention> retention; // Object Lock, when configured
};

// What was uploaded.
struct UploadResult {
  std::string key;
  std::string version_id;
  std::size_t parts = 0; // 0: a single PUT
};

// Uploads `file` (streamed from disk; multipart when large, each part
// checksummed) and then its .sha256, both under Object Lock when the target
// has a retention. With a retention, the bucket's Object Lock configuration
// is read first and a bucket without one is refused (Error(config)) before
// anything is written; each version's lock is read back afterwards.
// Checks that S3 stored the same SHA-256 as the local checksum and, read
// back with HEAD, the same size. Throws what s3::Client::put_file throws
// (naming a version left unlocked), Error(data) on a checksum, size or
// lock mismatch.
UploadResult upload_backup(s3::Client& client, const UploadTarget& target, const WrittenFile& file);

} // namespace credguard::backup
