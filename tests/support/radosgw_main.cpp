// credguard_test_radosgw: runs a throwaway Ceph cluster (one monitor, one
// memstore OSD, radosgw) on loopback for the test suite. See radosgw.hpp.
//
//   credguard_test_radosgw start STATE_FILE [--owner PID]
//   credguard_test_radosgw stop STATE_FILE
//
// `start` forks a supervisor (its own session, output to a log file) that
// creates the cluster in a temporary directory, waits until S3 answers,
// creates a user, writes STATE_FILE and then watches: on SIGTERM, or when
// the owner process (default: start's parent, i.e. ctest) is gone, it stops
// the daemons and removes the directory. `start` returns once STATE_FILE
// is written. `stop` signals the supervisor and waits for it.
#include "support/radosgw.hpp"
#include "support/radosgw_cluster.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using credguard::test::process_alive;
using credguard::test::RadosGwCluster;
using credguard::test::read_radosgw_state;
using credguard::test::write_radosgw_state;
namespace fs = std::filesystem;

namespace {

constexpr auto k_start_timeout = std::chrono::seconds(240);
constexpr auto k_stop_timeout = std::chrono::seconds(60);

volatile std::sig_atomic_t g_stop = 0;

void on_signal(int)
{
  g_stop = 1;
}

fs::path error_file(const fs::path& state)
{
  return state.string() + ".error";
}

// The supervisor: never returns.
[[noreturn]] void supervise(const fs::path& state, pid_t owner)
{
  ::setsid();
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGTERM, &action, nullptr);
  ::sigaction(SIGINT, &action, nullptr);
  std::signal(SIGHUP, SIG_IGN);
  std::signal(SIGPIPE, SIG_IGN);

  RadosGwCluster cluster;
  int code = 0;
  try {
    cluster.create();
    cluster.start([] { return g_stop != 0; });
    write_radosgw_state(state, cluster.info());
    while (g_stop == 0 && process_alive(owner)) {
      cluster.reap();
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  } catch (const std::exception& error) {
    std::ofstream(error_file(state)) << error.what() << "\n" << cluster.log_tail();
    code = 1;
  }
  cluster.stop();
  std::error_code ec;
  fs::remove(state, ec);
  if (code == 0) {
    fs::remove(state.string() + ".log", ec); // kept only to explain a failure
  }
  std::_Exit(code);
}

int start(const fs::path& state, pid_t owner)
{
  std::error_code ec;
  fs::remove(state, ec);
  fs::remove(error_file(state), ec);
  fs::create_directories(state.parent_path(), ec);
  std::cout.flush();
  pid_t pid = ::fork();
  if (pid < 0) {
    std::cerr << "fork failed: " << std::strerror(errno) << "\n";
    return 1;
  }
  if (pid == 0) {
    // Nothing of the caller's stdio may stay open: ctest waits for EOF.
    int null = ::open("/dev/null", O_RDWR);
    int log = ::open((state.string() + ".log").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    ::dup2(null, 0);
    ::dup2(log >= 0 ? log : null, 1);
    ::dup2(log >= 0 ? log : null, 2);
    supervise(state, owner);
  }
  auto deadline = std::chrono::steady_clock::now() + k_start_timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto info = read_radosgw_state(state)) {
      std::cout << "radosgw ready at " << info->endpoint << " (" << info->dir << ", supervisor " << pid << ")\n";
      return 0;
    }
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      std::ifstream in(error_file(state));
      std::cerr << "radosgw did not start:\n" << in.rdbuf() << "\n";
      return 1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::cerr << "radosgw did not answer within " << k_start_timeout.count() << " s; stopping it\n";
  ::kill(pid, SIGTERM);
  ::waitpid(pid, nullptr, 0);
  std::ifstream in(error_file(state));
  std::cerr << in.rdbuf() << "\n";
  return 1;
}

int stop(const fs::path& state)
{
  auto info = read_radosgw_state(state);
  if (!info) {
    std::cout << "no radosgw state at " << state << ": nothing to stop\n";
    return 0;
  }
  ::kill(info->supervisor, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + k_stop_timeout;
  while (process_alive(info->supervisor) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (process_alive(info->supervisor)) {
    std::cerr << "supervisor " << info->supervisor << " did not stop; killing its process group\n";
    ::kill(-info->supervisor, SIGKILL);
  }
  std::error_code ec;
  fs::remove_all(info->dir, ec);
  fs::remove(state, ec);
  std::cout << "radosgw stopped\n";
  return 0;
}

} // namespace

int main(int argc, char** argv)
{
  std::string command = argc > 1 ? argv[1] : "";
  if (argc < 3 || (command != "start" && command != "stop")) {
    std::cerr << "usage: " << argv[0] << " start STATE_FILE [--owner PID] | stop STATE_FILE\n";
    return 64;
  }
  fs::path state = fs::absolute(argv[2]);
  if (command == "stop") {
    return stop(state);
  }
  pid_t owner = ::getppid();
  if (argc == 5 && std::string(argv[3]) == "--owner") {
    owner = static_cast<pid_t>(std::atoi(argv[4]));
  }
  return start(state, owner);
}
