#include "support/openssl_server.hpp"

#include "support/temp_dir.hpp"

#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <spawn.h>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

extern char** environ; // NOLINT(readability-redundant-declaration): POSIX

namespace credguard::test {

namespace {

void write(const std::filesystem::path& path, const std::string& content)
{
  std::ofstream(path, std::ios::binary) << content;
}

} // namespace

OpensslServer::OpensslServer(const CertPair& cert, const std::filesystem::path& dir, const std::string& chain_pem)
{
  static int counter = 0;
  std::string tag = std::to_string(::getpid()) + "-" + std::to_string(++counter);
  auto cert_file = dir / ("server-" + tag + ".crt");
  auto key_file = dir / ("server-" + tag + ".key");
  auto log_file = dir / ("s_server-" + tag + ".log");
  write(cert_file, cert.cert_pem + chain_pem);
  write(key_file, cert.key_pem);

  std::vector<std::string> args{"openssl", "s_server",        "-accept", "127.0.0.1:0", "-cert", cert_file.string(),
                                "-key",    key_file.string(), "-www",    "-naccept",    "1000"};
  std::vector<char*> argv;
  for (auto& arg : args) {
    argv.push_back(arg.data());
  }
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  int rc = ::posix_spawnp(&m_pid, "openssl", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    throw std::runtime_error("cannot start openssl s_server (install openssl: scripts/deps.sh test)");
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    std::string log = slurp(log_file);
    auto at = log.find("ACCEPT 127.0.0.1:");
    if (at != std::string::npos && log.find('\n', at) != std::string::npos) {
      m_port = std::stoi(log.substr(at + 17));
      return;
    }
    int status = 0;
    if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
      m_pid = -1;
      throw std::runtime_error("openssl s_server exited: " + log);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(m_pid, SIGKILL);
  int status = 0;
  ::waitpid(m_pid, &status, 0);
  m_pid = -1;
  throw std::runtime_error("openssl s_server did not start listening within 10 s");
}

OpensslServer::~OpensslServer()
{
  if (m_pid <= 0) {
    return;
  }
  ::kill(m_pid, SIGTERM);
  for (int i = 0; i < 200; ++i) {
    int status = 0;
    if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(m_pid, SIGKILL);
  int status = 0;
  ::waitpid(m_pid, &status, 0);
}

} // namespace credguard::test
