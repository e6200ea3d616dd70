#pragma once

#include <credguard/core/process.hpp>

#include <chrono>
#include <map>
#include <string>
#include <sys/types.h>
#include <vector>

namespace credguard::test {

using ProcessResult = credguard::ProcessResult;

// Runs `argv` (argv[0] a path) with exactly `env` as its environment and
// `input` on stdin; collects all of stdout and stderr (credguard's
// run_process without its caps). Kills its process group after `timeout`.
ProcessResult run_process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                          const std::string& input = "",
                          std::chrono::milliseconds timeout = std::chrono::milliseconds(120'000));

// True while `pid` runs (a zombie counts as gone: PID 1 in a container may
// not reap it).
bool process_alive(pid_t pid);

// The environment a test child starts from: PATH and LANG of this process,
// plus `extra`.
std::map<std::string, std::string> base_env(const std::map<std::string, std::string>& extra = {});

} // namespace credguard::test
