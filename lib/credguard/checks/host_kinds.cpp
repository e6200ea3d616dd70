#include <credguard/checks/host_kinds.hpp>
#include <credguard/checks/host_probe.hpp>
#include <credguard/core/error.hpp>
#include <credguard/core/files.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/core/time_format.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <sys/stat.h>
#include <thread>

namespace credguard::checks {

namespace {

std::string read_proc(const CheckContext& context, const std::string& name)
{
  return read_file(context.proc_root / name);
}

std::vector<std::string> param_list(const CheckDefinition& def, const char* key)
{
  std::vector<std::string> out;
  if (auto node = def.params[key]; node && node.IsSequence()) {
    for (const auto& item : node) {
      out.push_back(item.as<std::string>());
    }
  }
  return out;
}

class CpuKind final : public CheckKind {
public:
  std::string_view name() const override { return "cpu"; }

  void validate(const CheckDefinition& def) const override { sample(def); }

  std::vector<CheckResult> run(const CheckDefinition& def, CheckContext& context) const override
  {
    auto before = parse_proc_stat(read_proc(context, "stat"));
    context.clock.sleep_for(sample(def));
    auto after = parse_proc_stat(read_proc(context, "stat"));
    if (!before || !after) {
      throw Error(ErrorKind::data, fmt::format("{}/stat has no aggregate cpu line", context.proc_root.string()));
    }
    double busy = cpu_busy_percent(*before, *after);
    std::string detail;
    if (auto loads = parse_loadavg(read_proc(context, "loadavg"))) {
      detail = fmt::format("load average {:.2f} {:.2f} {:.2f} on {} CPUs", (*loads)[0], (*loads)[1], (*loads)[2],
                           std::max(1U, std::thread::hardware_concurrency()));
    }
    return {measured(def, busy, detail)};
  }

private:
  static Millis sample(const CheckDefinition& def)
  {
    auto node = def.params["sample"];
    if (!node) {
      return Millis(500);
    }
    auto value = parse_duration(node.as<std::string>());
    if (!value || *value >= def.timeout) {
      throw Error(ErrorKind::config,
                  fmt::format("{}: {}.params.sample: expected a duration shorter than the check's timeout",
                              def.location, def.id));
    }
    return *value;
  }
};

class MemoryKind final : public CheckKind {
public:
  std::string_view name() const override { return "memory"; }

  std::vector<CheckResult> run(const CheckDefinition& def, CheckContext& context) const override
  {
    auto info = parse_meminfo(read_proc(context, "meminfo"));
    if (!info) {
      throw Error(ErrorKind::data,
                  fmt::format("{}/meminfo lacks MemTotal or MemAvailable", context.proc_root.string()));
    }
    auto used = (info->total_kb - std::min(info->available_kb, info->total_kb)) * 1024;
    return {measured(def, info->used_percent(),
                     fmt::format("{} of {} in use", format_bytes(used), format_bytes(info->total_kb * 1024)))};
  }
};

class DiskKind final : public CheckKind {
public:
  std::string_view name() const override { return "disk"; }

  std::vector<CheckResult> run(const CheckDefinition& def, CheckContext& context) const override
  {
    auto only = param_list(def, "mounts");
    auto exclude_mounts = param_list(def, "exclude_mounts");
    auto exclude_types = param_list(def, "exclude_types");
    std::set<dev_t> seen_devices;
    std::vector<CheckResult> results;
    for (const auto& mount : parse_mounts(read_proc(context, "self/mounts"))) {
      bool wanted = only.empty() ? !is_virtual_fs(mount.type) && std::find(exclude_types.begin(), exclude_types.end(),
                                                                           mount.type) == exclude_types.end()
                                 : std::find(only.begin(), only.end(), mount.path) != only.end();
      if (!wanted || std::find(exclude_mounts.begin(), exclude_mounts.end(), mount.path) != exclude_mounts.end()) {
        continue;
      }
      struct stat info {};
      if (::stat(mount.path.c_str(), &info) != 0 || !seen_devices.insert(info.st_dev).second) {
        continue; // gone, or another mount of a file system already measured
      }
      auto usage = disk_usage(mount.path);
      if (!usage || usage->size_bytes == 0) {
        continue;
      }
      auto result = measured(def, usage->used_percent(),
                             fmt::format("{} of {} used on {} ({}), {} free", format_bytes(usage->used_bytes),
                                         format_bytes(usage->size_bytes), mount.device, mount.type,
                                         format_bytes(usage->available_bytes)));
      result.id = def.id + ":" + mount.path;
      result.title = fmt::format("{} {}", def.title, mount.path);
      result.data = {{"mount", mount.path},
                     {"device", mount.device},
                     {"type", mount.type},
                     {"size_bytes", usage->size_bytes},
                     {"available_bytes", usage->available_bytes}};
      results.push_back(std::move(result));
    }
    if (results.empty()) {
      throw Error(ErrorKind::data, "no disk file systems found to measure");
    }
    return results;
  }
};

} // namespace

void add_host_kinds(KindRegistry& registry)
{
  registry.add(std::make_unique<CpuKind>());
  registry.add(std::make_unique<MemoryKind>());
  registry.add(std::make_unique<DiskKind>());
}

} // namespace credguard::checks
