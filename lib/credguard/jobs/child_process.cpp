#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/jobs/child_process.hpp>

#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace credguard::jobs {

namespace {

constexpr std::size_t k_stderr_keep = 4096;

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

void set_nonblocking(int fd)
{
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

int wait_child(pid_t pid)
{
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

} // namespace

std::string ChildResult::describe() const
{
  std::string what =
      signal != 0 ? fmt::format("killed by signal {}", signal) : fmt::format("exit status {}", exit_code);
  return stderr_tail.empty() ? what : what + ": " + stderr_tail;
}

ChildResult run_child(const ChildSpec& spec)
{
  if (spec.argv.empty()) {
    throw Error(ErrorKind::internal, "run_child: no program");
  }
  // stdin is a socket so that writing to a child that stopped reading fails
  // with EPIPE (MSG_NOSIGNAL) instead of killing us with SIGPIPE.
  int in_pair[2] = {-1, -1};
  int out_pipe[2] = {-1, -1};
  int err_pipe[2] = {-1, -1};
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in_pair) != 0 || ::pipe2(out_pipe, O_CLOEXEC) != 0 ||
      ::pipe2(err_pipe, O_CLOEXEC) != 0) {
    throw Error(ErrorKind::internal, fmt::format("cannot create pipes: {}", std::strerror(errno)));
  }
  Fd in_ours(in_pair[0]), in_theirs(in_pair[1]), out_ours(out_pipe[0]), out_theirs(out_pipe[1]), err_ours(err_pipe[0]),
      err_theirs(err_pipe[1]);
  Fd dev_null(::open("/dev/null", O_RDWR | O_CLOEXEC));
  if (!spec.input) {
    ::shutdown(in_ours.get(), SHUT_WR);
  }

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, spec.input ? in_theirs.get() : dev_null.get(), 0);
  posix_spawn_file_actions_adddup2(&actions, spec.output ? out_theirs.get() : dev_null.get(), 1);
  posix_spawn_file_actions_adddup2(&actions, err_theirs.get(), 2);
  std::vector<char*> argv;
  for (const auto& arg : spec.argv) {
    argv.push_back(const_cast<char*>(arg.c_str()));
  }
  argv.push_back(nullptr);
  pid_t pid = -1;
  int rc = ::posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    throw Error(ErrorKind::unavailable, fmt::format("cannot run {}: {}", spec.argv[0], std::strerror(rc)),
                "install it (Debian: mariadb-client) or set its path in the configuration");
  }
  in_theirs.reset();
  out_theirs.reset();
  err_theirs.reset();
  if (spec.on_start) {
    spec.on_start(pid);
  }

  ChildResult result;
  try {
    set_nonblocking(in_ours.get());
    std::array<char, 65536> buffer{};
    std::string pending; // input read from the source, not yet sent
    std::size_t pending_at = 0;
    bool input_done = !spec.input;
    std::string err_text;
    while (out_ours.get() >= 0 || err_ours.get() >= 0) {
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
      if (::poll(fds.data(), count, -1) < 0) {
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
          std::string_view chunk(buffer.data(), static_cast<std::size_t>(n));
          if (is_out) {
            spec.output(chunk);
          } else {
            err_text.append(chunk);
            if (err_text.size() > 2 * k_stderr_keep) {
              err_text.erase(0, err_text.size() - k_stderr_keep);
            }
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
    if (err_text.size() > k_stderr_keep) {
      err_text.erase(0, err_text.size() - k_stderr_keep);
    }
    result.stderr_tail = std::string(trim(err_text));
  } catch (...) {
    ::kill(pid, SIGKILL);
    wait_child(pid);
    throw;
  }
  int status = wait_child(pid);
  if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
  } else {
    result.exit_code = WEXITSTATUS(status);
  }
  return result;
}

} // namespace credguard::jobs
