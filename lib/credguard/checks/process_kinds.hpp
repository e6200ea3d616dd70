#pragma once

#include <credguard/checks/kind.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace credguard::checks {

// Local services, one result per unit or name.
// - systemd: each of `units` must be active with a SubState among
//   `sub_states` (default running), read with `systemctl show` (no shell);
//   SKIP where systemd is not running (no /run/systemd/system: containers).
// - process: at least `min` (default 1) processes named each of `names`
//   (their comm, or argv[0]'s base name), from /proc.
void add_process_kinds(KindRegistry& registry);

// The systemd kind looking for systemd at `run_dir` and running `systemctl`
// (tests point them elsewhere).
std::unique_ptr<CheckKind> make_systemd_kind(std::filesystem::path run_dir, std::string systemctl);

// The property blocks of `systemctl show -p ... UNIT...`, one map per unit
// in order (blocks are separated by blank lines).
std::vector<std::map<std::string, std::string>> parse_systemctl_show(std::string_view text);

} // namespace credguard::checks
