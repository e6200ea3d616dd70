#include <credguard/backup/inventory.hpp>
#include <credguard/backup/run.hpp>
#include <credguard/core/error.hpp>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <fnmatch.h>

namespace credguard::backup {

namespace fs = std::filesystem;

std::string backup_name(SystemTime now)
{
  auto seconds = std::chrono::time_point_cast<std::chrono::seconds>(now);
  return fmt::format("credguard-{:%Y%m%d-%H%M%S}.sql.gz", seconds);
}

namespace {

void remove_leftovers(const fs::path& dir)
{
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    auto name = entry.path().filename().string();
    if (::fnmatch(".credguard-*.sql.gz.partial", name.c_str(), 0) == 0) {
      fs::remove(entry.path(), ec);
    }
  }
}

} // namespace

RunResult run_backup(const mysql::ConnectOptions& connect, const RunOptions& options)
{
  std::error_code ec;
  fs::create_directories(options.dir, ec);
  if (ec) {
    throw Error(ErrorKind::io, fmt::format("backup directory {}: {}", options.dir.string(), ec.message()));
  }
  remove_leftovers(options.dir);
  auto path = options.dir / backup_name(options.now);
  if (fs::exists(path, ec)) {
    throw Error(ErrorKind::conflict, fmt::format("{} exists already", path.string()),
                "another backup ran this very second; run again");
  }
  RunResult result;
  {
    GzipFileWriter writer(path);
    dump_database(connect, connect.database, {}, {}, options.tools, writer);
    result.file = writer.commit();
  }
  auto integrity = check_integrity(path, k_dump_completed);
  if (!integrity.ok) {
    throw Error(ErrorKind::io, fmt::format("the new backup does not read back: {}", integrity.problem));
  }
  result.removed = apply_retention(options.dir, options.retention, path.filename().string());
  return result;
}

} // namespace credguard::backup
