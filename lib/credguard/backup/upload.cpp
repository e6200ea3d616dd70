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
  s3::PutOptions checksum_options;
  checksum_options.content_type = "text/plain";
  checksum_options.retention = target.retention;
  client.put_object(target.bucket, target.prefix + name + ".sha256", read_file(file.path.string() + ".sha256"),
                    checksum_options);
  return {put.key, put.version_id, put.parts};
}

} // namespace credguard::backup
