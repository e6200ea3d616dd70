#include "support/varnish.hpp"

#include <arpa/inet.h>
#include <chrono>
#include <csignal>
#include <netinet/in.h>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace credguard::test {

namespace {

int free_port()
{
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

bool accepts(int port)
{
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return ok;
}

const char* k_vcl = R"(vcl 4.1;
acl purgers { "127.0.0.1"; "::1"; }
backend origin { .host = "127.0.0.1"; .port = "@PORT@"; }
sub vcl_recv {
  if (req.method == "PURGE") {
    if (!client.ip ~ purgers) { return (synth(405, "PURGE not allowed")); }
    return (purge);
  }
}
sub vcl_backend_response {
  set beresp.ttl = 1h;
}
)";

} // namespace

bool Varnish::available()
{
  for (const char* dir : {"/usr/sbin", "/usr/bin", "/usr/local/sbin"}) {
    if (::access((std::string(dir) + "/varnishd").c_str(), X_OK) == 0) {
      return true;
    }
  }
  return false;
}

Varnish::Varnish(int backend_port)
{
  std::string vcl = k_vcl;
  vcl.replace(vcl.find("@PORT@"), 6, std::to_string(backend_port));
  auto vcl_path = m_dir.write("test.vcl", vcl);
  for (int attempt = 0; attempt < 3 && m_pid < 0; ++attempt) {
    m_port = free_port();
    std::vector<std::string> args = {"varnishd", "-F",
                                     "-j",       "none",
                                     "-n",       (m_dir / "work").string(),
                                     "-a",       "127.0.0.1:" + std::to_string(m_port),
                                     "-f",       vcl_path.string(),
                                     "-s",       "malloc,32m",
                                     "-p",       "default_ttl=3600"};
    pid_t pid = ::fork();
    if (pid == 0) {
      std::vector<char*> argv;
      for (auto& arg : args) {
        argv.push_back(arg.data());
      }
      argv.push_back(nullptr);
      std::freopen((m_dir / "varnishd.log").c_str(), "w", stdout);
      std::freopen((m_dir / "varnishd.log").c_str(), "a", stderr);
      ::execvp("varnishd", argv.data());
      ::_exit(127);
    }
    // The first start compiles the VCL with the C compiler: allow for it.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      if (accepts(m_port)) {
        m_pid = pid;
        break;
      }
      int status = 0;
      if (::waitpid(pid, &status, WNOHANG) == pid) {
        pid = -1; // exited (most likely the port was taken): try another
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (m_pid < 0 && pid > 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  }
  if (m_pid < 0) {
    throw std::runtime_error("varnishd did not start; see " + (m_dir / "varnishd.log").string());
  }
}

Varnish::~Varnish()
{
  if (m_pid > 0) {
    ::kill(m_pid, SIGTERM);
    int status = 0;
    for (int i = 0; i < 200 && ::waitpid(m_pid, &status, WNOHANG) == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    if (::waitpid(m_pid, &status, WNOHANG) == 0) {
      ::kill(m_pid, SIGKILL);
      ::waitpid(m_pid, &status, 0);
    }
  }
}

} // namespace credguard::test
