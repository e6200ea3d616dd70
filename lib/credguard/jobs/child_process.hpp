#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace credguard::jobs {

// A program to run without a shell, its standard streams connected to the
// caller: stdin fed from `input` (none: /dev/null), stdout handed to
// `output` chunk by chunk (none: discarded), stderr kept (its last 4 KiB)
// for error messages.
struct ChildSpec {
  std::vector<std::string> argv; // argv[0] is looked up in PATH
  // Fills `buffer` with up to `capacity` bytes and returns how many; 0 = end.
  std::function<std::size_t(char* buffer, std::size_t capacity)> input;
  std::function<void(std::string_view chunk)> output;
  std::function<void(pid_t pid)> on_start; // called once the child runs
};

// How the child ended.
struct ChildResult {
  int exit_code = -1;      // when it exited
  int signal = 0;          // when a signal killed it
  std::string stderr_tail; // its last stderr output, trimmed

  bool ok() const { return signal == 0 && exit_code == 0; }
  // "exit status 2: <stderr>" or "killed by signal 9".
  std::string describe() const;
};

// Runs `spec` to completion, streaming both ways at once (no deadlock on
// full pipes; a child that stops reading does not raise SIGPIPE here).
// Throws Error(unavailable) when the program cannot be started (named, with
// a hint); when `input` or `output` throws, the child is killed and reaped
// and the exception passed on.
ChildResult run_child(const ChildSpec& spec);

} // namespace credguard::jobs
