#pragma once

#include <credguard/core/clock.hpp>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace credguard {

// What a finished child process left behind.
struct CommandResult {
  int exit_code = -1; // 128+N when killed by signal N
  std::string out;
  std::string err;
  bool timed_out = false;

  // The first non-empty line of stderr, trimmed; for one-line error messages.
  std::string first_error_line() const;
};

// Finds `name` the way execvp would, in the PATH given (not this process's):
// a name with a '/' is returned as is; otherwise the first executable
// PATH/name. Returns nullopt when there is none.
std::optional<std::filesystem::path> find_executable(const std::string& name, const std::string& path_variable);

// Runs argv directly (no shell: arguments are never re-split or expanded)
// with exactly `env` as its environment, stdin from /dev/null, and collects
// stdout and stderr. argv[0] is looked up in env's PATH. The child is killed
// (SIGKILL) once `timeout` has passed. Throws Error(io) naming the command
// when it cannot be started (not found, not executable).
CommandResult run_command(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                          Millis timeout);

} // namespace credguard
