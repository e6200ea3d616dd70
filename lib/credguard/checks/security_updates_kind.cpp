#include <credguard/checks/debian_packages.hpp>
#include <credguard/checks/params.hpp>
#include <credguard/checks/security_updates_kind.hpp>
#include <credguard/core/error.hpp>
#include <credguard/core/files.hpp>
#include <credguard/core/process.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/core/time_format.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <sys/stat.h>

namespace credguard::checks {

namespace {

namespace fs = std::filesystem;

const char* const k_apt_helper = "/usr/lib/apt/apt-helper";

// The most of one decompressed package list read (Debian's security
// Packages lists are a few MiB).
constexpr std::size_t k_max_list_bytes = 256 * 1024 * 1024;

// Runs apt-helper cat-file, which reads every compression apt writes lists
// in (lz4 in Debian's container images), and returns the text.
std::string decompress(const fs::path& file)
{
  ProcessSpec spec;
  spec.argv = {k_apt_helper, "cat-file", file.string()};
  spec.output_cap = k_max_list_bytes;
  ProcessResult result;
  try {
    result = run_process(spec);
  } catch (const Error& e) {
    throw Error(ErrorKind::io, fmt::format("{}: {}", file.string(), e.what()));
  }
  if (!result.ok()) {
    throw Error(ErrorKind::io, fmt::format("{}: apt-helper cat-file failed", file.string()));
  }
  return std::move(result.out);
}

std::string read_list(const fs::path& file)
{
  auto extension = file.extension().string();
  return extension == ".lz4" || extension == ".gz" || extension == ".xz" || extension == ".zst" || extension == ".bz2"
             ? decompress(file)
             : read_file(file);
}

bool is_security_list(const std::string& name)
{
  auto packages = name.find("_Packages");
  return packages != std::string::npos && name.find("security") != std::string::npos &&
         (packages + 9 == name.size() || name[packages + 9] == '.');
}

struct Pending {
  std::string package;
  std::string installed;
  std::string available;
};

class SecurityUpdatesKind final : public CheckKind {
public:
  std::string_view name() const override { return "security_updates"; }

  std::vector<CheckResult> run(const CheckDefinition& def, CheckContext& context) const override
  {
    fs::path root = param_text(def, "root").value_or("/");
    auto status_file = root / "var/lib/dpkg/status";
    auto lists_dir = root / "var/lib/apt/lists";
    CheckResult result;
    if (!fs::exists(status_file)) {
      result.status = Status::skip;
      result.detail = fmt::format("not a Debian system: no {}", status_file.string());
      return {result};
    }
    // package:arch -> installed version
    std::map<std::string, std::string> installed;
    for_each_stanza(read_file(status_file), [&](const Stanza& stanza) {
      auto status = stanza.find("Status");
      auto package = stanza.find("Package");
      auto version = stanza.find("Version");
      if (status != stanza.end() && status->second.ends_with(" installed") && package != stanza.end() &&
          version != stanza.end()) {
        auto arch = stanza.find("Architecture");
        installed[package->second + ":" + (arch == stanza.end() ? "all" : arch->second)] = version->second;
      }
    });

    std::vector<fs::path> lists;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(lists_dir, ec)) {
      if (entry.is_regular_file() && is_security_list(entry.path().filename().string())) {
        lists.push_back(entry.path());
      }
    }
    if (lists.empty()) {
      result.status = Status::skip;
      result.detail = fmt::format("no security repository lists in {}: is a -security suite in the apt sources, and "
                                  "has apt update run?",
                                  lists_dir.string());
      return {result};
    }
    std::sort(lists.begin(), lists.end());
    std::map<std::string, Pending> pending; // by package:arch
    SystemTime newest_list{};
    for (const auto& list : lists) {
      struct stat info {};
      if (::stat(list.c_str(), &info) == 0) {
        newest_list = std::max(newest_list, SystemTime(std::chrono::seconds(info.st_mtim.tv_sec)));
      }
      for_each_stanza(read_list(list), [&](const Stanza& stanza) {
        auto package = stanza.find("Package");
        auto version = stanza.find("Version");
        auto arch = stanza.find("Architecture");
        if (package == stanza.end() || version == stanza.end() || arch == stanza.end()) {
          return;
        }
        auto key = package->second + ":" + arch->second;
        auto current = installed.find(key);
        if (current == installed.end() || compare_debian_versions(version->second, current->second) <= 0) {
          return;
        }
        auto& entry = pending[key];
        if (entry.available.empty() || compare_debian_versions(version->second, entry.available) > 0) {
          entry = {package->second, current->second, version->second};
        }
      });
    }

    std::vector<std::string> names;
    nlohmann::json packages = nlohmann::json::array();
    for (const auto& [key, item] : pending) {
      if (names.size() < 10) {
        names.push_back(fmt::format("{} {} -> {}", item.package, item.installed, item.available));
      }
      packages.push_back({{"package", item.package}, {"installed", item.installed}, {"available", item.available}});
    }
    auto lists_age = fmt::format("lists updated {}", format_rfc3339_seconds(newest_list));
    std::string detail =
        pending.empty()
            ? "no security update pending"
            : join(names, ", ") +
                  (pending.size() > names.size() ? fmt::format(", and {} more", pending.size() - names.size()) : "");
    result = measured(def, static_cast<double>(pending.size()), detail + " (" + lists_age + ")");
    (void)context;
    result.data = {{"packages", packages}, {"lists", lists.size()}};
    return {result};
  }
};

} // namespace

void add_security_updates_kind(KindRegistry& registry)
{
  registry.add(std::make_unique<SecurityUpdatesKind>());
}

} // namespace credguard::checks
