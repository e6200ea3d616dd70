#include "support/radosgw.hpp"

#include "support/process.hpp"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <stdexcept>
#include <unistd.h>

#ifndef CREDGUARD_TEST_RADOSGW_HELPER
#error "CREDGUARD_TEST_RADOSGW_HELPER must name the credguard_test_radosgw executable"
#endif

namespace credguard::test {

namespace fs = std::filesystem;

namespace {

struct OwnGateway {
  fs::path state;
  RadosGwInfo info;
};

// The gateway this process started, stopped at exit.
std::optional<OwnGateway>& own_gateway()
{
  static std::optional<OwnGateway> gateway;
  return gateway;
}

void stop_own_gateway()
{
  if (own_gateway()) {
    run_process({CREDGUARD_TEST_RADOSGW_HELPER, "stop", own_gateway()->state.string()}, base_env(), "",
                std::chrono::seconds(90));
  }
}

RadosGwInfo start_own_gateway()
{
  const char* base = std::getenv("TMPDIR");
  fs::path state = fs::path(base != nullptr && *base != '\0' ? base : "/tmp") /
                   ("credguard-radosgw-" + std::to_string(::getpid()) + ".state");
  auto result =
      run_process({CREDGUARD_TEST_RADOSGW_HELPER, "start", state.string(), "--owner", std::to_string(::getpid())},
                  base_env(), "", std::chrono::seconds(300));
  auto info = read_radosgw_state(state);
  if (result.exit_code != 0 || !info) {
    throw std::runtime_error("cannot start radosgw for the tests (exit " + std::to_string(result.exit_code) + "):\n" +
                             result.out + result.err);
  }
  own_gateway() = OwnGateway{state, *info};
  std::atexit(stop_own_gateway);
  return *info;
}

} // namespace

std::optional<RadosGwInfo> read_radosgw_state(const fs::path& state)
{
  std::ifstream in(state);
  if (!in) {
    return std::nullopt;
  }
  std::map<std::string, std::string> values;
  for (std::string line; std::getline(in, line);) {
    auto eq = line.find('=');
    if (eq != std::string::npos) {
      values[line.substr(0, eq)] = line.substr(eq + 1);
    }
  }
  RadosGwInfo info;
  info.endpoint = values["endpoint"];
  info.vhost_endpoint = values["vhost_endpoint"];
  info.port = std::atoi(values["port"].c_str());
  info.access_key = values["access_key"];
  info.secret_key = values["secret_key"];
  info.region = values["region"];
  info.dir = values["dir"];
  info.supervisor = static_cast<pid_t>(std::atoi(values["supervisor"].c_str()));
  if (info.endpoint.empty() || info.secret_key.empty() || !process_alive(info.supervisor)) {
    return std::nullopt;
  }
  return info;
}

void write_radosgw_state(const fs::path& state, const RadosGwInfo& info)
{
  fs::path temporary = state.string() + ".tmp";
  {
    std::ofstream out(temporary);
    out << "endpoint=" << info.endpoint << "\nvhost_endpoint=" << info.vhost_endpoint << "\nport=" << info.port
        << "\naccess_key=" << info.access_key << "\nsecret_key=" << info.secret_key << "\nregion=" << info.region
        << "\ndir=" << info.dir << "\nsupervisor=" << info.supervisor << "\n";
    if (!out) {
      throw std::runtime_error("cannot write " + temporary.string());
    }
  }
  fs::rename(temporary, state);
}

const RadosGwInfo& radosgw()
{
  static std::once_flag once;
  static RadosGwInfo info;
  std::call_once(once, [] {
    if (const char* state = std::getenv("CREDGUARD_TEST_RADOSGW_STATE"); state != nullptr && *state != '\0') {
      auto found = read_radosgw_state(state);
      if (!found) {
        throw std::runtime_error(std::string("no running radosgw at ") + state +
                                 ": the ctest fixture radosgw_start failed or was not run");
      }
      info = *found;
    } else {
      info = start_own_gateway();
    }
  });
  return info;
}

std::string unique_bucket(std::string_view purpose)
{
  static std::atomic<int> counter{0};
  return "cg-" + std::string(purpose) + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

} // namespace credguard::test
