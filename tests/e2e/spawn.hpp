#pragma once

#include <chrono>
#include <csignal>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace credguard::test {

// A child process the test can signal mid-run (run_process waits for the
// end). stdout and stderr go to files; stdin is /dev/null.
class Spawned {
public:
  Spawned(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
          const std::filesystem::path& output)
  {
    std::vector<std::string> env_strings;
    for (const auto& [name, value] : env) {
      env_strings.push_back(name + "=" + value);
    }
    m_pid = ::fork();
    if (m_pid == 0) {
      std::vector<char*> c_argv;
      for (const auto& arg : argv) {
        c_argv.push_back(const_cast<char*>(arg.c_str()));
      }
      c_argv.push_back(nullptr);
      std::vector<char*> c_env;
      for (auto& entry : env_strings) {
        c_env.push_back(entry.data());
      }
      c_env.push_back(nullptr);
      std::freopen("/dev/null", "r", stdin);
      std::freopen((output.string() + ".out").c_str(), "w", stdout);
      std::freopen((output.string() + ".err").c_str(), "w", stderr);
      ::execve(argv[0].c_str(), c_argv.data(), c_env.data());
      ::_exit(127);
    }
  }
  ~Spawned()
  {
    if (m_pid > 0 && !m_reaped) {
      ::kill(m_pid, SIGKILL);
      ::waitpid(m_pid, nullptr, 0);
    }
  }
  Spawned(const Spawned&) = delete;
  Spawned& operator=(const Spawned&) = delete;

  void signal(int number) const { ::kill(m_pid, number); }

  // The exit code, 128+N when killed by signal N.
  int wait()
  {
    int status = 0;
    ::waitpid(m_pid, &status, 0);
    m_reaped = true;
    return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
  }

private:
  pid_t m_pid = -1;
  bool m_reaped = false;
};

// Polls `condition` every 10 ms for up to `limit`.
inline bool eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds limit = std::chrono::milliseconds(20'000))
{
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

} // namespace credguard::test
