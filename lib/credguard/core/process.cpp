#include <credguard/core/error.hpp>
#include <credguard/core/process.hpp>
#include <credguard/core/strings.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace credguard {

namespace {

using Steady = std::chrono::steady_clock;

class Fd {
public:
  Fd() = default;
  explicit Fd(int fd)
    : m_fd(fd)
  {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return m_fd; }
  void reset(int fd = -1)
  {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
    m_fd = fd;
  }

private:
  int m_fd = -1;
};

// The argv, environment and spawn attributes as posix_spawn wants them.
class SpawnArgs {
public:
  explicit SpawnArgs(const ProcessSpec& spec)
  {
    for (const auto& arg : spec.argv) {
      m_argv.push_back(const_cast<char*>(arg.c_str()));
    }
    m_argv.push_back(nullptr);
    if (spec.env) {
      for (const auto& [name, value] : *spec.env) {
        m_env_strings.push_back(name + "=" + value);
      }
      for (auto& entry : m_env_strings) {
        m_env.push_back(entry.data());
      }
      m_env.push_back(nullptr);
    }
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attributes);
    // Its own process group, so that a timeout kills what it started too;
    // signals we ignore or catch start at their defaults in the child.
    sigset_t defaults;
    sigemptyset(&defaults);
    for (int number : {SIGPIPE, SIGINT, SIGTERM, SIGHUP}) {
      sigaddset(&defaults, number);
    }
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setpgroup(&attributes, 0);
    posix_spawnattr_setflags(
        &attributes, static_cast<short>(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK));
  }
  ~SpawnArgs()
  {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
  }
  SpawnArgs(const SpawnArgs&) = delete;
  SpawnArgs& operator=(const SpawnArgs&) = delete;

  char** argv() { return m_argv.data(); }
  char** env() { return m_env.empty() ? environ : m_env.data(); }

  posix_spawn_file_actions_t actions{};
  posix_spawnattr_t attributes{};

private:
  std::vector<char*> m_argv;
  std::vector<std::string> m_env_strings;
  std::vector<char*> m_env;
};

void set_nonblocking(int fd)
{
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

void kill_group(pid_t pid)
{
  ::kill(-pid, SIGKILL);
  ::kill(pid, SIGKILL); // should it have left the group
}

int wait_child(pid_t pid)
{
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

// Waits for the child to exit; kills its group when the deadline passes or
// `interrupted` turns true first (a child may close its streams and go on).
int wait_child(pid_t pid, std::optional<Steady::time_point> deadline, const std::atomic<bool>* interrupted,
               bool& timed_out, bool& was_interrupted)
{
  if (!deadline && interrupted == nullptr) {
    return wait_child(pid);
  }
  for (;;) {
    int status = 0;
    auto rc = ::waitpid(pid, &status, WNOHANG);
    if (rc == pid || (rc < 0 && errno != EINTR)) {
      return status;
    }
    if (interrupted != nullptr && interrupted->load()) {
      was_interrupted = true;
    } else if (deadline && Steady::now() >= *deadline) {
      timed_out = true;
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    kill_group(pid);
    return wait_child(pid);
  }
}

std::optional<Steady::time_point> after(const std::optional<Millis>& duration)
{
  if (!duration) {
    return std::nullopt;
  }
  // Saturate: a duration that does not fit the clock means no deadline.
  auto now = Steady::now();
  if (*duration > std::chrono::duration_cast<Millis>(Steady::time_point::max() - now)) {
    return std::nullopt;
  }
  return now + *duration;
}

} // namespace

std::string ProcessResult::first_error_line() const
{
  for (const auto& line : split(err, '\n')) {
    auto text = trim(line);
    if (!text.empty()) {
      return std::string(text);
    }
  }
  return "";
}

std::string ProcessResult::stderr_tail() const
{
  return std::string(trim(err));
}

std::string ProcessResult::describe() const
{
  std::string what = timed_out     ? std::string("timed out")
                     : signal != 0 ? fmt::format("killed by signal {}", signal)
                                   : fmt::format("exit status {}", exit_code);
  auto tail = stderr_tail();
  return tail.empty() ? what : what + ": " + tail;
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

ProcessResult run_process(const ProcessSpec& spec)
{
  if (spec.argv.empty()) {
    throw Error(ErrorKind::internal, "run_process: no program");
  }
  std::string path_variable;
  if (spec.env) {
    auto it = spec.env->find("PATH");
    path_variable = it == spec.env->end() ? "" : it->second;
  } else if (const char* path = std::getenv("PATH")) {
    path_variable = path;
  }
  auto program = find_executable(spec.argv[0], path_variable);
  if (!program) {
    throw Error(ErrorKind::unavailable, fmt::format("cannot run {}: command not found in PATH", spec.argv[0]),
                spec.missing_hint);
  }

  // stdin is a socket so that writing to a child that stopped reading fails
  // with EPIPE (MSG_NOSIGNAL) instead of killing us with SIGPIPE.
  int in_pair[2] = {-1, -1};
  int out_pipe[2] = {-1, -1};
  int err_pipe[2] = {-1, -1};
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in_pair) != 0 || ::pipe2(out_pipe, O_CLOEXEC) != 0 ||
      ::pipe2(err_pipe, O_CLOEXEC) != 0) {
    int error = errno;
    for (int fd : {in_pair[0], in_pair[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) {
      if (fd >= 0) {
        ::close(fd);
      }
    }
    throw Error(ErrorKind::io, fmt::format("cannot run {}: pipe: {}", spec.argv[0], std::strerror(error)));
  }
  Fd in_ours(in_pair[0]), in_theirs(in_pair[1]), out_ours(out_pipe[0]), out_theirs(out_pipe[1]), err_ours(err_pipe[0]),
      err_theirs(err_pipe[1]);
  Fd dev_null(::open("/dev/null", O_RDWR | O_CLOEXEC));
  if (!spec.input) {
    ::shutdown(in_ours.get(), SHUT_WR);
  }

  SpawnArgs args(spec);
  posix_spawn_file_actions_adddup2(&args.actions, spec.input ? in_theirs.get() : dev_null.get(), 0);
  posix_spawn_file_actions_adddup2(&args.actions, out_theirs.get(), 1);
  posix_spawn_file_actions_adddup2(&args.actions, err_theirs.get(), 2);
  // Ours are close-on-exec; this also closes what libraries opened without
  // it (e.g. a socket pair libcurl keeps), so the child gets 0, 1 and 2 only.
  posix_spawn_file_actions_addclosefrom_np(&args.actions, 3);
  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, program->c_str(), &args.actions, &args.attributes, args.argv(), args.env());
  if (rc != 0) {
    throw Error(ErrorKind::unavailable, fmt::format("cannot run {}: {}", spec.argv[0], std::strerror(rc)),
                spec.missing_hint);
  }
  in_theirs.reset();
  out_theirs.reset();
  err_theirs.reset();
  dev_null.reset();

  ProcessResult result;
  bool interrupted = false;
  auto deadline = after(spec.timeout);
  auto idle_deadline = after(spec.idle_timeout);
  try {
    if (spec.on_start) {
      spec.on_start(pid);
    }
    set_nonblocking(in_ours.get());
    std::array<char, 65536> buffer{};
    std::string pending; // input read from the source, not yet sent
    std::size_t pending_at = 0;
    bool input_done = !spec.input;
    while (out_ours.get() >= 0 || err_ours.get() >= 0) {
      auto now = Steady::now();
      if (spec.interrupted != nullptr && spec.interrupted->load()) {
        interrupted = true;
        break;
      }
      if ((deadline && now >= *deadline) || (idle_deadline && now >= *idle_deadline)) {
        result.timed_out = true;
        break;
      }
      int wait_ms = -1;
      for (const auto& limit : {deadline, idle_deadline}) {
        if (limit) {
          auto left = std::chrono::duration_cast<Millis>(*limit - now).count() + 1;
          wait_ms =
              static_cast<int>(std::min<long long>(wait_ms < 0 ? left : std::min<long long>(wait_ms, left), 1'000'000));
        }
      }
      if (spec.interrupted != nullptr) {
        wait_ms = wait_ms < 0 ? 100 : std::min(wait_ms, 100);
      }
      std::array<pollfd, 3> fds{};
      nfds_t count = 0;
      int out_index = -1, err_index = -1, in_index = -1;
      if (out_ours.get() >= 0) {
        out_index = static_cast<int>(count);
        fds[count++] = {out_ours.get(), POLLIN, 0};
      }
      if (err_ours.get() >= 0) {
        err_index = static_cast<int>(count);
        fds[count++] = {err_ours.get(), POLLIN, 0};
      }
      if (!input_done) {
        in_index = static_cast<int>(count);
        fds[count++] = {in_ours.get(), POLLOUT, 0};
      }
      if (::poll(fds.data(), count, wait_ms) < 0) {
        if (errno == EINTR) {
          continue;
        }
        throw Error(ErrorKind::internal, fmt::format("poll: {}", std::strerror(errno)));
      }
      auto drain = [&](int index, Fd& fd, bool is_out) {
        if (index < 0 || fds[static_cast<std::size_t>(index)].revents == 0) {
          return;
        }
        auto n = ::read(fd.get(), buffer.data(), buffer.size());
        if (n > 0) {
          idle_deadline = after(spec.idle_timeout);
          std::string_view chunk(buffer.data(), static_cast<std::size_t>(n));
          if (!is_out) {
            result.err.append(chunk);
            if (result.err.size() > 2 * spec.stderr_keep) {
              result.err.erase(0, result.err.size() - spec.stderr_keep);
            }
          } else if (spec.output) {
            spec.output(chunk);
          } else if (result.out.size() + chunk.size() > spec.output_cap) {
            throw Error(ErrorKind::data, fmt::format("{} wrote more than {} to its standard output (the limit): "
                                                     "stopped it",
                                                     spec.argv[0], format_bytes(spec.output_cap)));
          } else {
            result.out.append(chunk);
          }
        } else if (n == 0 || errno != EINTR) {
          fd.reset();
        }
      };
      drain(out_index, out_ours, true);
      drain(err_index, err_ours, false);
      if (in_index >= 0 && fds[static_cast<std::size_t>(in_index)].revents != 0) {
        if (pending_at == pending.size()) {
          pending.resize(buffer.size());
          pending.resize(spec.input(pending.data(), pending.size()));
          pending_at = 0;
          if (pending.empty()) {
            input_done = true;
            ::shutdown(in_ours.get(), SHUT_WR);
            continue;
          }
        }
        auto n = ::send(in_ours.get(), pending.data() + pending_at, pending.size() - pending_at, MSG_NOSIGNAL);
        if (n > 0) {
          pending_at += static_cast<std::size_t>(n);
        } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
          input_done = true; // the child stopped reading; its exit status says why
        }
      }
    }
  } catch (...) {
    kill_group(pid);
    wait_child(pid);
    throw;
  }
  int status = 0;
  if (result.timed_out || interrupted) {
    kill_group(pid);
    status = wait_child(pid);
  } else {
    status = wait_child(pid, deadline, spec.interrupted, result.timed_out, interrupted);
  }
  if (result.err.size() > spec.stderr_keep) {
    result.err.erase(0, result.err.size() - spec.stderr_keep);
  }
  if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
    result.exit_code = 128 + result.signal;
  } else if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  }
  if (interrupted) {
    throw Error(ErrorKind::interrupted, fmt::format("{} was stopped: interrupted", spec.argv[0]));
  }
  return result;
}

} // namespace credguard
