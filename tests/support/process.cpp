#include "support/process.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>

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

bool process_alive(pid_t pid)
{
  if (pid <= 0 || (::kill(pid, 0) != 0 && errno != EPERM)) {
    return false;
  }
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  auto close = line.rfind(')');
  return close == std::string::npos || close + 2 >= line.size() || line[close + 2] != 'Z';
}

ProcessResult run_process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                          const std::string& input, std::chrono::milliseconds timeout)
{
  std::size_t written = 0;
  ProcessSpec spec;
  spec.argv = argv;
  spec.env = env;
  spec.timeout = timeout;
  spec.output_cap = std::numeric_limits<std::size_t>::max();
  spec.stderr_keep = std::numeric_limits<std::size_t>::max() / 4;
  if (!input.empty()) {
    spec.input = [&](char* buffer, std::size_t capacity) {
      auto n = std::min(capacity, input.size() - written);
      std::memcpy(buffer, input.data() + written, n);
      written += n;
      return n;
    };
  }
  return credguard::run_process(spec);
}

} // namespace credguard::test
