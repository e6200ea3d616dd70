#pragma once

namespace credguard {

// Process exit codes: the Nagios plugin contract for checks and gates
// (0-3), sysexits.h for failures to run (64-78), and 128+SIGINT.
enum class ExitCode : int {
  ok = 0,
  warning = 1,
  critical = 2, // also: an action failed or was only partly applied
  unknown = 3,
  usage = 64,
  data = 65,
  unavailable = 69,
  internal = 70,
  io = 74,
  temp_fail = 75, // a job's lock is held by another run: try again later
  auth = 77,
  config = 78,
  interrupted = 130,
};

constexpr int to_int(ExitCode code)
{
  return static_cast<int>(code);
}

} // namespace credguard
