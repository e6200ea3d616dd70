#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace credguard::test {

struct ProcessResult {
  int exit_code = -1; // 128+N when killed by signal N
  std::string out;
  std::string err;
  bool timed_out = false;
};

// Runs `argv` (argv[0] a path) with exactly `env` as its environment and
// `input` on stdin; collects stdout and stderr. Kills it after `timeout`.
ProcessResult run_process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                          const std::string& input = "",
                          std::chrono::milliseconds timeout = std::chrono::milliseconds(120'000));

// The environment a test child starts from: PATH and LANG of this process,
// plus `extra`.
std::map<std::string, std::string> base_env(const std::map<std::string, std::string>& extra = {});

} // namespace credguard::test
