#include "support/process.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

namespace credguard::test {

std::map<std::string, std::string> base_env(const std::map<std::string, std::string>& extra)
{
  std::map<std::string, std::string> env;
  for (const char* name : {"PATH", "LANG", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "TMPDIR"}) {
    if (const char* value = std::getenv(name)) {
      env[name] = value;
    }
  }
  for (const auto& [name, value] : extra) {
    env[name] = value;
  }
  return env;
}

ProcessResult run_process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                          const std::string& input, std::chrono::milliseconds timeout)
{
  int in_pipe[2];
  int out_pipe[2];
  int err_pipe[2];
  if (::pipe2(in_pipe, O_CLOEXEC) != 0 || ::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);

  std::vector<std::string> env_strings;
  for (const auto& [name, value] : env) {
    env_strings.push_back(name + "=" + value);
  }
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

  pid_t pid = 0;
  int rc = ::posix_spawn(&pid, argv[0].c_str(), &actions, nullptr, c_argv.data(), c_env.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (rc != 0) {
    ::close(in_pipe[1]);
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    throw std::runtime_error("posix_spawn " + argv[0] + ": " + std::strerror(rc));
  }
  std::signal(SIGPIPE, SIG_IGN);
  std::size_t written = 0;
  if (input.empty()) {
    ::close(in_pipe[1]);
    in_pipe[1] = -1;
  } else {
    ::fcntl(in_pipe[1], F_SETFL, O_NONBLOCK);
  }

  ProcessResult result;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  bool out_open = true;
  bool err_open = true;
  char buffer[65536];
  while (out_open || err_open) {
    std::vector<pollfd> fds;
    if (out_open) {
      fds.push_back({out_pipe[0], POLLIN, 0});
    }
    if (err_open) {
      fds.push_back({err_pipe[0], POLLIN, 0});
    }
    if (in_pipe[1] >= 0) {
      fds.push_back({in_pipe[1], POLLOUT, 0});
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      result.timed_out = true;
      ::kill(pid, SIGKILL);
      break;
    }
    ::poll(fds.data(), fds.size(), static_cast<int>(std::min<long long>(left.count(), 1000)));
    for (const auto& pfd : fds) {
      if (pfd.revents == 0) {
        continue;
      }
      if (pfd.fd == in_pipe[1]) {
        long n = ::write(in_pipe[1], input.data() + written, input.size() - written);
        if (n > 0) {
          written += static_cast<std::size_t>(n);
        }
        if (n < 0 || written == input.size()) {
          ::close(in_pipe[1]);
          in_pipe[1] = -1;
        }
        continue;
      }
      long n = ::read(pfd.fd, buffer, sizeof buffer);
      if (n <= 0) {
        (pfd.fd == out_pipe[0] ? out_open : err_open) = false;
      } else {
        (pfd.fd == out_pipe[0] ? result.out : result.err).append(buffer, static_cast<std::size_t>(n));
      }
    }
  }
  if (in_pipe[1] >= 0) {
    ::close(in_pipe[1]);
  }
  ::close(out_pipe[0]);
  ::close(err_pipe[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

} // namespace credguard::test
