#include "cmd/backup/upload.hpp"

#include <credguard/core/error.hpp>

namespace credguard::cli {

std::optional<S3Destination> s3_destination(Context& ctx, const std::string& prefix_key,
                                            const std::string& default_prefix)
{
  auto settings = s3::load_settings(ctx.config(), ctx.env());
  if (settings.backup_bucket.empty()) {
    return std::nullopt;
  }
  backup::UploadTarget target{settings.backup_bucket, ctx.config().get_string(prefix_key).value_or(default_prefix),
                              std::nullopt};
  if (auto retention = ctx.config().get_duration("backup.object_lock_retention")) {
    target.retention = s3::Retention{settings.lock_mode, ctx.clock().now() + *retention};
  }
  return S3Destination{std::move(settings), std::move(target)};
}

nlohmann::json upload_to_s3(Context& ctx, const S3Destination& destination, const backup::WrittenFile& file)
{
  auto client = s3::make_client(destination.settings, ctx.env(), ctx.redactor(), ctx.http(), ctx.clock(), ctx.log());
  auto result = backup::upload_backup(*client, destination.target, file);
  return {{"bucket", destination.target.bucket},
          {"key", result.key},
          {"version_id", result.version_id},
          {"parts", result.parts},
          {"locked", destination.target.retention.has_value()},
          {"ok", true}};
}

nlohmann::json failed_upload(const S3Destination& destination, const backup::WrittenFile& file,
                             const std::string& error)
{
  return {{"bucket", destination.target.bucket},
          {"key", destination.target.prefix + file.path.filename().string()},
          {"ok", false},
          {"error", error}};
}

} // namespace credguard::cli
