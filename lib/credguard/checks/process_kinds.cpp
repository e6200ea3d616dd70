#include <credguard/checks/check_params.hpp>
#include <credguard/checks/process_kinds.hpp>
#include <credguard/core/error.hpp>
#include <credguard/core/files.hpp>
#include <credguard/core/process.hpp>
#include <credguard/core/strings.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace credguard::checks {

namespace fs = std::filesystem;

std::vector<std::map<std::string, std::string>> parse_systemctl_show(std::string_view text)
{
  std::vector<std::map<std::string, std::string>> blocks;
  std::map<std::string, std::string> current;
  for (const auto& raw : split(text, '\n')) {
    auto line = trim(raw);
    if (line.empty()) {
      if (!current.empty()) {
        blocks.push_back(std::move(current));
        current.clear();
      }
      continue;
    }
    auto eq = line.find('=');
    if (eq != std::string_view::npos) {
      current[std::string(line.substr(0, eq))] = std::string(line.substr(eq + 1));
    }
  }
  if (!current.empty()) {
    blocks.push_back(std::move(current));
  }
  return blocks;
}

namespace {

class SystemdKind final : public CheckKind {
public:
  SystemdKind(fs::path run_dir, std::string systemctl)
    : m_run_dir(std::move(run_dir))
    , m_systemctl(std::move(systemctl))
  {}

  std::string_view name() const override { return "systemd"; }

  void validate(const CheckDefinition& def) const override { params::list(def, "sub_states"); }

  std::vector<CheckResult> run(const CheckDefinition& def, CheckContext&) const override
  {
    auto units = params::list(def, "units");
    if (units.empty()) {
      params::fail(def, "units", "give at least one unit");
    }
    std::error_code ec;
    if (!fs::is_directory(m_run_dir, ec)) {
      CheckResult skipped;
      skipped.status = Status::skip;
      skipped.detail =
          fmt::format("systemd is not running on this host ({} is missing, e.g. in a container)", m_run_dir.string());
      return {skipped};
    }
    std::vector<std::string> argv{m_systemctl, "show",        "--no-pager", "-p",       "LoadState",
                                  "-p",        "ActiveState", "-p",         "SubState", "--"};
    argv.insert(argv.end(), units.begin(), units.end());
    ProcessSpec spec;
    spec.argv = argv;
    spec.env = {{"PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"}, {"LANG", "C"}};
    spec.timeout = def.timeout;
    auto result = run_process(spec);
    if (result.exit_code != 0 || result.timed_out) {
      throw Error(ErrorKind::unavailable, fmt::format("{} show failed (exit {}): {}", m_systemctl, result.exit_code,
                                                      result.timed_out ? "timed out" : result.first_error_line()));
    }
    auto blocks = parse_systemctl_show(result.out);
    if (blocks.size() != units.size()) {
      throw Error(ErrorKind::data,
                  fmt::format("{} show answered {} units for {} asked", m_systemctl, blocks.size(), units.size()));
    }
    auto wanted = params::list(def, "sub_states");
    if (wanted.empty()) {
      wanted = {"running"};
    }
    std::vector<CheckResult> results;
    for (std::size_t i = 0; i < units.size(); ++i) {
      auto& block = blocks[i];
      CheckResult unit;
      unit.id = def.id + ":" + units[i];
      unit.title = fmt::format("{} {}", def.title, units[i]);
      std::string state = fmt::format("{} ({})", block["ActiveState"], block["SubState"]);
      bool good = block["ActiveState"] == "active" &&
                  std::find(wanted.begin(), wanted.end(), block["SubState"]) != wanted.end();
      unit.status = good ? Status::pass : Status::fail;
      unit.value_text = block["LoadState"] == "not-found" ? "not-found" : state;
      unit.threshold = fmt::format("active ({})", join(wanted, "|"));
      unit.detail = block["LoadState"] == "not-found" ? fmt::format("{}: no such unit", units[i])
                                                      : fmt::format("{}: {}", units[i], state);
      unit.data = {{"unit", units[i]},
                   {"load_state", block["LoadState"]},
                   {"active_state", block["ActiveState"]},
                   {"sub_state", block["SubState"]}};
      results.push_back(std::move(unit));
    }
    return results;
  }

private:
  fs::path m_run_dir;
  std::string m_systemctl;
};

// The process names of /proc: comm, and argv[0]'s base name.
std::vector<std::pair<std::string, std::string>> process_names(const fs::path& proc_root)
{
  std::vector<std::pair<std::string, std::string>> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(proc_root, ec)) {
    auto pid = entry.path().filename().string();
    if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) {
      continue;
    }
    std::string comm;
    std::string argv0;
    try {
      comm = std::string(trim(read_file(entry.path() / "comm")));
      auto cmdline = read_file(entry.path() / "cmdline");
      argv0 = fs::path(cmdline.substr(0, cmdline.find('\0'))).filename().string();
    } catch (const Error&) {
      continue; // the process ended meanwhile
    }
    names.emplace_back(comm, argv0);
  }
  return names;
}

class ProcessKind final : public CheckKind {
public:
  std::string_view name() const override { return "process"; }

  void validate(const CheckDefinition& def) const override { params::integer(def, "min", 1, 100'000); }

  std::vector<CheckResult> run(const CheckDefinition& def, CheckContext& context) const override
  {
    auto wanted = params::list(def, "names");
    if (wanted.empty()) {
      params::fail(def, "names", "give at least one process name");
    }
    auto minimum = static_cast<std::size_t>(params::integer(def, "min", 1, 100'000).value_or(1));
    auto running = process_names(context.proc_root);
    if (running.empty()) {
      throw Error(ErrorKind::io, fmt::format("no processes readable under {}", context.proc_root.string()));
    }
    std::vector<CheckResult> results;
    for (const auto& name : wanted) {
      // comm holds at most 15 characters: compare the prefix for long names.
      auto count = static_cast<std::size_t>(std::count_if(running.begin(), running.end(), [&](const auto& p) {
        return p.second == name || p.first == name || (name.size() > 15 && p.first == name.substr(0, 15));
      }));
      CheckResult result;
      result.id = def.id + ":" + name;
      result.title = fmt::format("{} {}", def.title, name);
      result.value = static_cast<double>(count);
      result.value_text = fmt::format("{} running", count);
      result.threshold = fmt::format(">= {}", minimum);
      result.status = count >= minimum ? Status::pass : Status::fail;
      result.detail = count == 0 ? fmt::format("no process named {}", name)
                                 : fmt::format("{} process{} named {}", count, count == 1 ? "" : "es", name);
      results.push_back(std::move(result));
    }
    return results;
  }
};

} // namespace

std::unique_ptr<CheckKind> make_systemd_kind(fs::path run_dir, std::string systemctl)
{
  return std::make_unique<SystemdKind>(std::move(run_dir), std::move(systemctl));
}

void add_process_kinds(KindRegistry& registry)
{
  registry.add(make_systemd_kind("/run/systemd/system", "systemctl"));
  registry.add(std::make_unique<ProcessKind>());
}

} // namespace credguard::checks
