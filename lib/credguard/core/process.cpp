#include <credguard/core/error.hpp>
#include <credguard/core/process.hpp>
#include <credguard/core/strings.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

namespace credguard {

namespace {

// Closes the descriptors it holds when it goes away.
struct Pipe {
  int fds[2] = {-1, -1};
  Pipe()
  {
    if (::pipe2(fds, O_CLOEXEC) != 0) {
      throw Error(ErrorKind::io, fmt::format("pipe: {}", std::strerror(errno)));
    }
  }
  ~Pipe()
  {
    close_end(0);
    close_end(1);
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  void close_end(int end)
  {
    if (fds[end] >= 0) {
      ::close(fds[end]);
      fds[end] = -1;
    }
  }
};

int decode_status(int status)
{
  if (WIFEXITED(status)) {
    return WEXITSTATUS(status);
  }
  if (WIFSIGNALED(status)) {
    return 128 + WTERMSIG(status);
  }
  return -1;
}

} // namespace

std::string CommandResult::first_error_line() const
{
  for (const auto& line : split(err, '\n')) {
    auto text = trim(line);
    if (!text.empty()) {
      return std::string(text);
    }
  }
  return "";
}

std::optional<std::filesystem::path> find_executable(const std::string& name, const std::string& path_variable)
{
  if (name.empty()) {
    return std::nullopt;
  }
  if (name.find('/') != std::string::npos) {
    return std::filesystem::path(name);
  }
  for (const auto& dir : split(path_variable.empty() ? "/usr/local/bin:/usr/bin:/bin" : path_variable, ':')) {
    auto candidate = std::filesystem::path(dir.empty() ? "." : dir) / name;
    if (::access(candidate.c_str(), X_OK) == 0 && !std::filesystem::is_directory(candidate)) {
      return candidate;
    }
  }
  return std::nullopt;
}

CommandResult run_command(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                          Millis timeout)
{
  if (argv.empty()) {
    throw Error(ErrorKind::internal, "run_command: empty argv");
  }
  auto path_it = env.find("PATH");
  auto program = find_executable(argv[0], path_it == env.end() ? "" : path_it->second);
  if (!program) {
    throw Error(ErrorKind::io, fmt::format("cannot run {}: command not found in PATH", argv[0]));
  }

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

  Pipe out;
  Pipe err;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out.fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err.fds[1], 2);
  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, program->c_str(), &actions, nullptr, c_argv.data(), c_env.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    throw Error(ErrorKind::io, fmt::format("cannot run {}: {}", argv[0], std::strerror(rc)));
  }
  out.close_end(1);
  err.close_end(1);

  CommandResult result;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  pollfd fds[2] = {{out.fds[0], POLLIN, 0}, {err.fds[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open = 2;
  char buffer[16384];
  while (open > 0) {
    auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) {
      result.timed_out = true;
      ::kill(pid, SIGKILL);
      break;
    }
    int ready = ::poll(fds, 2, static_cast<int>(std::min<long long>(left, 1000)));
    if (ready < 0 && errno != EINTR) {
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) {
        continue;
      }
      auto n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        sinks[i]->append(buffer, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        fds[i].fd = -1;
        --open;
      }
    }
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = decode_status(status);
  return result;
}

} // namespace credguard
