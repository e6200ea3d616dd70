// `credguard --help` should take a few milliseconds. Runs it many times and
// compares with the cost of starting a trivial process (/bin/true), the
// floor for any command.
#include <fmt/format.h>

#include <chrono>
#include <fcntl.h>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <vector>

extern char** environ;

namespace {

double run_many(const std::vector<std::string>& argv, int times)
{
  std::vector<char*> args;
  for (const auto& arg : argv) {
    args.push_back(const_cast<char*>(arg.c_str()));
  }
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < times; ++i) {
    pid_t pid = 0;
    if (posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ) != 0) {
      return -1;
    }
    int status = 0;
    waitpid(pid, &status, 0);
  }
  posix_spawn_file_actions_destroy(&actions);
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() / times;
}

} // namespace

int main()
{
  constexpr int k_runs = 200;
  double floor_ms = run_many({"/bin/true"}, k_runs);
  double help_ms = run_many({CREDGUARD_BINARY, "--help"}, k_runs);
  double verb_help_ms = run_many({CREDGUARD_BINARY, "checklist", "daily", "--help"}, k_runs);
  double version_ms = run_many({CREDGUARD_BINARY, "version"}, k_runs);
  fmt::print("start-up, mean of {} runs\n", k_runs);
  fmt::print("  reference: /bin/true                 {:6.2f} ms\n", floor_ms);
  fmt::print("  credguard --help                     {:6.2f} ms  (+{:.2f} ms)\n", help_ms, help_ms - floor_ms);
  fmt::print("  credguard checklist daily --help     {:6.2f} ms  (+{:.2f} ms)\n", verb_help_ms,
             verb_help_ms - floor_ms);
  fmt::print("  credguard version                    {:6.2f} ms  (+{:.2f} ms)\n", version_ms, version_ms - floor_ms);
  return help_ms > 0 ? 0 : 1;
}
