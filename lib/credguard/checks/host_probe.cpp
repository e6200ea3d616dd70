#include <credguard/checks/host_probe.hpp>
#include <credguard/core/strings.hpp>

#include <algorithm>
#include <array>
#include <sstream>
#include <sys/statvfs.h>

namespace credguard::checks {

std::optional<CpuTimes> parse_proc_stat(std::string_view text)
{
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    if (!line.starts_with("cpu ")) {
      continue;
    }
    std::istringstream fields(line.substr(4));
    std::array<std::uint64_t, 10> values{};
    std::size_t count = 0;
    while (count < values.size() && fields >> values[count]) {
      ++count;
    }
    if (count < 4) {
      return std::nullopt;
    }
    CpuTimes times;
    // user nice system idle iowait irq softirq steal guest guest_nice;
    // guest time is already counted in user, so it is not added again.
    for (std::size_t i = 0; i < std::min<std::size_t>(count, 8); ++i) {
      times.total += values[i];
    }
    times.idle = values[3] + (count > 4 ? values[4] : 0);
    return times;
  }
  return std::nullopt;
}

double cpu_busy_percent(const CpuTimes& before, const CpuTimes& after)
{
  if (after.total <= before.total) {
    return 0.0;
  }
  auto total = static_cast<double>(after.total - before.total);
  auto idle = static_cast<double>(after.idle >= before.idle ? after.idle - before.idle : 0);
  return std::clamp(100.0 * (1.0 - idle / total), 0.0, 100.0);
}

double MemoryInfo::used_percent() const
{
  if (total_kb == 0) {
    return 0.0;
  }
  auto used = static_cast<double>(total_kb - std::min(available_kb, total_kb));
  return 100.0 * used / static_cast<double>(total_kb);
}

std::optional<MemoryInfo> parse_meminfo(std::string_view text)
{
  MemoryInfo info;
  bool has_total = false;
  bool has_available = false;
  for (const auto& line : split(text, '\n')) {
    auto colon = line.find(':');
    if (colon == std::string::npos) {
      continue;
    }
    std::string_view name = std::string_view(line).substr(0, colon);
    std::string_view rest = trim(std::string_view(line).substr(colon + 1));
    auto value = parse_int(rest.substr(0, rest.find(' ')));
    if (!value) {
      continue;
    }
    if (name == "MemTotal") {
      info.total_kb = static_cast<std::uint64_t>(*value);
      has_total = true;
    } else if (name == "MemAvailable") {
      info.available_kb = static_cast<std::uint64_t>(*value);
      has_available = true;
    }
  }
  if (!has_total || !has_available) {
    return std::nullopt;
  }
  return info;
}

namespace {

std::string unescape_mount_field(std::string_view field)
{
  std::string out;
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size()) {
      auto octal = field.substr(i + 1, 3);
      if (octal.size() == 3 && std::all_of(octal.begin(), octal.end(), [](char c) { return c >= '0' && c <= '7'; })) {
        out += static_cast<char>((octal[0] - '0') * 64 + (octal[1] - '0') * 8 + (octal[2] - '0'));
        i += 3;
        continue;
      }
    }
    out += field[i];
  }
  return out;
}

} // namespace

std::vector<Mount> parse_mounts(std::string_view text)
{
  std::vector<Mount> mounts;
  for (const auto& line : split(text, '\n')) {
    std::istringstream fields(line);
    std::string device;
    std::string path;
    std::string type;
    if (fields >> device >> path >> type) {
      mounts.push_back(Mount{unescape_mount_field(device), unescape_mount_field(path), type});
    }
  }
  return mounts;
}

bool is_virtual_fs(std::string_view type)
{
  static constexpr std::string_view k_virtual[] = {
      "proc",       "sysfs",    "devtmpfs",  "devpts",   "tmpfs",   "cgroup",          "cgroup2",
      "securityfs", "pstore",   "bpf",       "tracefs",  "debugfs", "mqueue",          "hugetlbfs",
      "fusectl",    "configfs", "autofs",    "squashfs", "nsfs",    "binfmt_misc",     "rpc_pipefs",
      "ramfs",      "efivarfs", "selinuxfs", "nfsd",     "iso9660", "fuse.gvfsd-fuse",
  };
  return std::find(std::begin(k_virtual), std::end(k_virtual), type) != std::end(k_virtual);
}

double DiskUsage::used_percent() const
{
  auto denominator = used_bytes + available_bytes;
  return denominator == 0 ? 0.0 : 100.0 * static_cast<double>(used_bytes) / static_cast<double>(denominator);
}

std::optional<DiskUsage> disk_usage(const std::string& path)
{
  struct statvfs info {};
  if (::statvfs(path.c_str(), &info) != 0) {
    return std::nullopt;
  }
  DiskUsage usage;
  auto block = static_cast<std::uint64_t>(info.f_frsize);
  usage.size_bytes = static_cast<std::uint64_t>(info.f_blocks) * block;
  usage.used_bytes = static_cast<std::uint64_t>(info.f_blocks - info.f_bfree) * block;
  usage.available_bytes = static_cast<std::uint64_t>(info.f_bavail) * block;
  return usage;
}

std::optional<std::vector<double>> parse_loadavg(std::string_view text)
{
  std::istringstream fields{std::string(text)};
  std::vector<double> loads(3);
  if (!(fields >> loads[0] >> loads[1] >> loads[2])) {
    return std::nullopt;
  }
  return loads;
}

} // namespace credguard::checks
