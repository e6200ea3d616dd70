#include <credguard/backup/upload.hpp>
#include <credguard/core/error.hpp>
#include <credguard/core/files.hpp>

#include <fmt/format.h>

namespace credguard::backup {

namespace {

// radosgw 16 keeps a multipart object unlocked on a bucket without Object
// Lock, and refuses single PUTs with lock headers there (PROTOCOL-NOTES,
// S3): ask the bucket first, so that nothing is left half-written.
void require_object_lock(s3::Client& client, const UploadTarget& target)
{
  auto configuration = client.get_object_lock_configuration(target.bucket);
  if (!configuration || !configuration->enabled) {
    throw Error(ErrorKind::config,
                fmt::format("backup bucket s3://{} has no Object Lock configuration (GET ?object-lock) but "
                            "backup.object_lock_retention asks for a lock: nothing was uploaded",
                            target.bucket),
                "use a bucket created with Object Lock enabled, or remove backup.object_lock_retention");
  }
}

// Reads the version's lock back: a backup reported locked must be.
void require_locked(s3::Client& client, const UploadTarget& target, const std::string& key,
                    const std::string& version_id)
{
  auto retention = client.get_object_retention(target.bucket, key, version_id);
  if (!s3::retention_covers(retention, *target.retention)) {
    throw Error(ErrorKind::data,
                fmt::format("s3://{}/{} version {} was uploaded but is NOT under {} retention", target.bucket, key,
                            version_id, s3::to_string(target.retention->mode)),
                "lock or delete that version by hand");
  }
}

} // namespace

UploadResult upload_backup(s3::Client& client, const UploadTarget& target, const WrittenFile& file)
{
  if (target.retention) {
    require_object_lock(client, target);
  }
  s3::PutOptions options;
  options.content_type = "application/gzip";
  options.retention = target.retention;
  options.metadata["credguard-raw-bytes"] = std::to_string(file.raw_bytes);
  auto name = file.path.filename().string();
  auto put = client.put_file(target.bucket, target.prefix + name, file.path, options);
  if (put.sha256 != file.sha256) {
    throw Error(ErrorKind::data, fmt::format("s3://{}/{}: uploaded SHA-256 {} differs from the backup's {}",
                                             target.bucket, put.key, put.sha256, file.sha256));
  }
  // Read back what S3 holds under the key (the version just written).
  auto stored = client.head_object(target.bucket, put.key, put.version_id);
  if (!stored || stored->size != file.bytes) {
    throw Error(ErrorKind::data,
                fmt::format("s3://{}/{}: S3 holds {} where {} bytes were uploaded", target.bucket, put.key,
                            stored ? std::to_string(stored->size) + " bytes" : std::string("no object"), file.bytes));
  }
  s3::PutOptions checksum_options;
  checksum_options.content_type = "text/plain";
  checksum_options.retention = target.retention;
  auto checksum = client.put_object(target.bucket, target.prefix + name + ".sha256",
                                    read_file(file.path.string() + ".sha256"), checksum_options);
  if (target.retention) {
    require_locked(client, target, put.key, put.version_id);
    require_locked(client, target, checksum.key, checksum.version_id);
  }
  return {put.key, put.version_id, put.parts};
}

} // namespace credguard::backup
