#pragma once

#include <credguard/core/clock.hpp>

#include <atomic>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace credguard {

// The most of a child's stdout collected by default (when no `output` sink
// streams it elsewhere), and the tail of its stderr kept.
constexpr std::size_t k_process_output_cap = 16 * 1024 * 1024;
constexpr std::size_t k_process_stderr_keep = 64 * 1024;

// A program to run directly (no shell: arguments are never re-split or
// expanded), in a process group of its own.
struct ProcessSpec {
  // argv[0] is looked up in the PATH of `env` (of this process when `env` is
  // not given); a name with a '/' is used as is.
  std::vector<std::string> argv;
  // Exactly this environment; nullopt: this process's.
  std::optional<std::map<std::string, std::string>> env;
  // Feeds stdin: fills `buffer` with up to `capacity` bytes and returns how
  // many, 0 at the end. None: stdin is /dev/null.
  std::function<std::size_t(char* buffer, std::size_t capacity)> input;
  // Receives stdout chunk by chunk. None: stdout is collected into
  // ProcessResult::out, up to `output_cap` bytes.
  std::function<void(std::string_view chunk)> output;
  // Called with the child's PID (also its process group) once it runs.
  std::function<void(pid_t pid)> on_start;
  // Overall deadline: once passed, the whole process group is killed
  // (SIGKILL) and ProcessResult::timed_out set. None: no deadline.
  std::optional<Millis> timeout;
  // Killed the same way when it writes nothing (stdout or stderr) this long.
  std::optional<Millis> idle_timeout;
  std::size_t output_cap = k_process_output_cap;
  std::size_t stderr_keep = k_process_stderr_keep;
  // Checked several times a second: once true, the group is killed and
  // Error(interrupted) thrown.
  const std::atomic<bool>* interrupted = nullptr;
  // The hint of the error thrown when the program cannot be started.
  std::string missing_hint;
};

// How a child ended.
struct ProcessResult {
  int exit_code = -1; // 128+N when killed by signal N
  int signal = 0;     // N when killed by signal N
  std::string out;    // stdout, when no `output` sink was given
  std::string err;    // the last `stderr_keep` bytes of stderr
  bool timed_out = false;

  bool ok() const { return signal == 0 && exit_code == 0; }
  // The first non-empty line of stderr, trimmed; for one-line error messages.
  std::string first_error_line() const;
  // stderr trimmed.
  std::string stderr_tail() const;
  // "exit status 2: <stderr>", "killed by signal 9" or "timed out".
  std::string describe() const;
};

// Finds `name` the way execvp would, in the PATH given (not this process's):
// a name with a '/' is returned as is; otherwise the first executable
// PATH/name. Returns nullopt when there is none.
std::optional<std::filesystem::path> find_executable(const std::string& name, const std::string& path_variable);

// Runs `spec` to completion, streaming both ways at once (no deadlock on full
// pipes; a child that stops reading does not raise SIGPIPE here). Every pipe
// is close-on-exec and every other descriptor is closed in the child, so it
// inherits only its stdin, stdout and stderr. Throws Error(unavailable) naming the program when it cannot be
// started; Error(data) naming the cap when collected stdout exceeds
// `output_cap` (the group is killed first); Error(interrupted) as above;
// when `input` or `output` throws, the group is killed, the child reaped and
// the exception passed on.
ProcessResult run_process(const ProcessSpec& spec);

} // namespace credguard
