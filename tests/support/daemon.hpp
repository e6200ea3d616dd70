#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <sys/types.h>
#include <vector>

namespace credguard::test {

// A server process started by a test: in its own session, stdin from
// /dev/null, stdout and stderr to `log`. Stopped (SIGTERM, then SIGKILL)
// when the object goes away, unless released.
class Daemon {
public:
  // Starts `argv` (argv[0] a path). Throws std::runtime_error when it
  // cannot be spawned.
  Daemon(const std::vector<std::string>& argv, const std::filesystem::path& log);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  pid_t pid() const { return m_pid; }
  // False once the process has exited (reaps it).
  bool running();
  // SIGTERM, wait up to `grace`, then SIGKILL.
  void stop(std::chrono::milliseconds grace = std::chrono::milliseconds(10'000));
  // Leaves the process running after this object is gone; returns its pid.
  pid_t release();

private:
  pid_t m_pid = -1;
};

// Stops a process that may not be our child (a server left by a ctest
// fixture): SIGTERM, wait up to `grace` for it to go, then SIGKILL.
void stop_process(pid_t pid, std::chrono::milliseconds grace = std::chrono::milliseconds(10'000));

// The path of program `name`, searched in $PATH, /usr/sbin and /sbin.
// Throws std::runtime_error naming the Debian package to install
// (scripts/deps.sh test) when it is missing.
std::string find_program(const std::string& name);

// A TCP port on 127.0.0.1 that was free a moment ago.
int free_port();

// A new private directory for a server's data: under /dev/shm when it is
// a writable tmpfs (servers that fsync start several times faster there),
// else under $TMPDIR or /tmp. The caller removes it.
std::filesystem::path make_server_dir(const std::string& prefix);

} // namespace credguard::test
