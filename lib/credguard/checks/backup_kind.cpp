#include <credguard/checks/backup_kind.hpp>
#include <credguard/checks/params.hpp>
#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/core/time_format.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fnmatch.h>
#include <sys/stat.h>

namespace credguard::checks {

namespace {

namespace fs = std::filesystem;

struct BackupFile {
  std::string name;
  std::uint64_t bytes = 0;
  SystemTime modified;
};

std::vector<BackupFile> list_backups(const fs::path& dir, const std::string& pattern)
{
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) {
    throw Error(ErrorKind::io, fmt::format("backup directory {}: {}", dir.string(), ec.message()));
  }
  std::vector<BackupFile> files;
  for (const auto& entry : it) {
    auto name = entry.path().filename().string();
    struct stat info {};
    if (::fnmatch(pattern.c_str(), name.c_str(), FNM_PERIOD) != 0 || ::stat(entry.path().c_str(), &info) != 0 ||
        !S_ISREG(info.st_mode)) {
      continue;
    }
    auto modified = SystemTime(std::chrono::duration_cast<SystemTime::duration>(
        std::chrono::seconds(info.st_mtim.tv_sec) + std::chrono::nanoseconds(info.st_mtim.tv_nsec)));
    files.push_back({name, static_cast<std::uint64_t>(info.st_size), modified});
  }
  // Newest first; the name breaks ties (credguard-YYYYMMDD... sorts by date).
  std::sort(files.begin(), files.end(), [](const BackupFile& a, const BackupFile& b) {
    return a.modified != b.modified ? a.modified > b.modified : a.name > b.name;
  });
  return files;
}

double median(std::vector<std::uint64_t> values)
{
  std::sort(values.begin(), values.end());
  auto middle = values.size() / 2;
  return values.size() % 2 == 1 ? static_cast<double>(values[middle])
                                : (static_cast<double>(values[middle - 1]) + static_cast<double>(values[middle])) / 2;
}

class BackupKind final : public CheckKind {
public:
  std::string_view name() const override { return "backup"; }

  void validate(const CheckDefinition& def) const override
  {
    param_duration(def, "max_age", Millis(0));
    param_number(def, "size_tolerance", 20, 0);
    param_number(def, "compare", 7, 1);
  }

  std::vector<CheckResult> run(const CheckDefinition& def, CheckContext& context) const override
  {
    fs::path dir = required_text(def, "dir");
    auto pattern = param_text(def, "pattern").value_or("*");
    auto max_age = param_duration(def, "max_age", Millis(24 * 3'600'000));
    auto tolerance = param_number(def, "size_tolerance", 20, 0);
    auto compare = static_cast<std::size_t>(param_number(def, "compare", 7, 1));

    CheckResult result;
    result.threshold =
        fmt::format("age < {}, size ±{} % of the median", format_duration(max_age), format_number(tolerance));
    auto files = list_backups(dir, pattern);
    if (files.empty()) {
      result.status = Status::fail;
      result.detail = fmt::format("no backup matching {} in {}", pattern, dir.string());
      return {result};
    }
    const auto& newest = files.front();
    auto age = std::max(Millis(0), std::chrono::duration_cast<Millis>(context.clock.now() - newest.modified));
    result.value = static_cast<double>(age.count()) / 3'600'000.0;
    result.value_text =
        fmt::format("age {}, {}", format_duration(std::chrono::duration_cast<std::chrono::minutes>(age)),
                    format_bytes(newest.bytes));
    result.status = Status::pass;
    std::vector<std::string> notes;
    notes.push_back(fmt::format("newest {} written {}", newest.name, format_rfc3339_seconds(newest.modified)));
    if (age > max_age) {
      result.status = Status::fail;
      notes.push_back(fmt::format("older than {}", format_duration(max_age)));
    }
    if (newest.bytes == 0) {
      result.status = Status::fail;
      notes.push_back("it is empty");
    }

    std::vector<std::uint64_t> sizes;
    nlohmann::json previous = nlohmann::json::array();
    for (std::size_t i = 1; i < files.size() && sizes.size() < compare; ++i) {
      sizes.push_back(files[i].bytes);
      previous.push_back({{"file", files[i].name}, {"bytes", files[i].bytes}});
    }
    result.data = {
        {"dir", dir.string()},
        {"newest",
         {{"file", newest.name}, {"bytes", newest.bytes}, {"modified", format_rfc3339_seconds(newest.modified)}}},
        {"previous", previous}};
    if (sizes.empty()) {
      notes.push_back("no earlier backup to compare its size with");
    } else {
      double middle = median(sizes);
      double deviation = middle > 0 ? 100.0 * (static_cast<double>(newest.bytes) - middle) / middle : 0.0;
      result.data["median_bytes"] = middle;
      result.data["deviation_percent"] = deviation;
      auto comparison = fmt::format(
          "{}{} % against the median {} of the {} before it ({} .. {})", deviation < 0 ? "-" : "+",
          format_number(std::round(std::fabs(deviation) * 10) / 10), format_bytes(static_cast<std::uint64_t>(middle)),
          sizes.size(), files[1].name, files[sizes.size()].name);
      if (std::fabs(deviation) > tolerance && newest.bytes > 0) {
        result.status = worst(result.status, Status::warn);
        comparison += fmt::format(", beyond ±{} %", format_number(tolerance));
      }
      notes.push_back(comparison);
    }
    result.detail = join(notes, "; ");
    return {result};
  }
};

} // namespace

void add_backup_kind(KindRegistry& registry)
{
  registry.add(std::make_unique<BackupKind>());
}

} // namespace credguard::checks
