#include <credguard/backup/upload.hpp>
#include <credguard/core/error.hpp>
#include <credguard/core/files.hpp>

#include <fmt/format.h>

namespace credguard::backup {

UploadResult upload_backup(s3::Client& client, const UploadTarget& target, const WrittenFile& file)
{
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
  client.put_object(target.bucket, target.prefix + name + ".sha256", read_file(file.path.string() + ".sha256"),
                    checksum_options);
  return {put.key, put.version_id, put.parts};
}

} // namespace credguard::backup
