#include "support/radosgw_cluster.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <netinet/in.h>
#include <sstream>
#include <stdexcept>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace credguard::test {

namespace fs = std::filesystem;

namespace {

constexpr int k_ready_timeout_seconds = 180;

std::string random_text(std::size_t length, std::string_view alphabet)
{
  std::ifstream urandom("/dev/urandom", std::ios::binary);
  std::string out;
  while (out.size() < length) {
    char c = 0;
    urandom.get(c);
    out += alphabet[static_cast<unsigned char>(c) % alphabet.size()];
  }
  return out;
}

std::string uuid()
{
  std::string hex = random_text(32, "0123456789abcdef");
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-4" + hex.substr(13, 3) + "-a" + hex.substr(17, 3) + "-" +
         hex.substr(20, 12);
}

int free_port()
{
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error(std::string("cannot find a free port: ") + std::strerror(errno));
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

// One HTTP exchange on loopback: true when the gateway answers 200 to GET /.
bool s3_answers(int port)
{
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  timeval timeout{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  bool ok = false;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    std::string request = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<long>(request.size())) {
      char buffer[64] = {};
      long n = ::recv(fd, buffer, sizeof buffer - 1, 0);
      ok = n > 12 && std::string_view(buffer, static_cast<std::size_t>(n)).starts_with("HTTP/1.1 200");
    }
  }
  ::close(fd);
  return ok;
}

std::string tail(const fs::path& path, std::size_t lines)
{
  std::ifstream in(path);
  std::vector<std::string> kept;
  for (std::string line; std::getline(in, line);) {
    kept.push_back(line);
    if (kept.size() > lines) {
      kept.erase(kept.begin());
    }
  }
  std::string out;
  for (const auto& line : kept) {
    out += line + "\n";
  }
  return out;
}

} // namespace

RadosGwCluster::~RadosGwCluster()
{
  stop();
}

void RadosGwCluster::create()
{
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/credguard-radosgw-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("mkdtemp " + pattern + ": " + std::strerror(errno));
  }
  m_dir = pattern;
  for (const char* sub : {"run", "log", "mon", "osd", "rgw"}) {
    fs::create_directories(m_dir / sub);
  }
  m_fsid = uuid();
  m_mon_port = free_port();
  m_info.port = free_port();
  m_info.endpoint = "http://127.0.0.1:" + std::to_string(m_info.port);
  m_info.vhost_endpoint = "http://localhost:" + std::to_string(m_info.port);
  m_info.access_key = "CGTEST" + random_text(14, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
  m_info.secret_key = "cg-test-secret-" + random_text(25, "abcdefghijklmnopqrstuvwxyz0123456789");
  m_info.dir = m_dir.string();
  m_info.supervisor = ::getpid();
  m_conf = m_dir / "ceph.conf";
  std::string d = m_dir.string();
  std::ofstream conf(m_conf);
  conf << "[global]\n"
       << "fsid = " << m_fsid << "\n"
       << "mon_host = v2:127.0.0.1:" << m_mon_port << "\n"
       << "public_addr = 127.0.0.1\ncluster_addr = 127.0.0.1\n"
       << "auth_cluster_required = none\nauth_service_required = none\nauth_client_required = none\n"
       << "ms_mon_client_mode = crc\n"
       << "osd_pool_default_size = 1\nosd_pool_default_min_size = 1\nmon_allow_pool_size_one = true\n"
       << "osd_crush_chooseleaf_type = 0\nmon_data_avail_crit = 0\nmon_data_avail_warn = 0\n"
       << "osd_pool_default_pg_num = 8\nosd_pool_default_pgp_num = 8\nosd_pool_default_pg_autoscale_mode = off\n"
       << "run_dir = " << d << "/run\n"
       << "admin_socket = " << d << "/run/$name.asok\n"
       << "log_file = " << d << "/log/$name.log\n"
       << "[mon.a]\nmon_data = " << d << "/mon\n"
       << "[osd.0]\nosd_objectstore = memstore\nosd_data = " << d << "/osd\n"
       << "[client.rgw]\n"
       << "rgw_frontends = beast endpoint=127.0.0.1:" << m_info.port << "\n"
       << "rgw_dns_name = localhost\n"
       << "rgw_data = " << d << "/rgw\n"
       << "rgw_thread_pool_size = 32\n";
  if (!conf) {
    throw std::runtime_error("cannot write " + m_conf.string());
  }
}

pid_t RadosGwCluster::spawn(const std::string& name, const std::vector<std::string>& argv) const
{
  fs::path output = m_dir / "log" / (name + ".out");
  pid_t pid = ::fork();
  if (pid < 0) {
    throw std::runtime_error("fork: " + std::string(std::strerror(errno)));
  }
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL); // never outlive the supervisor
    int fd = ::open(output.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    std::vector<char*> args;
    for (const auto& arg : argv) {
      args.push_back(const_cast<char*>(arg.c_str()));
    }
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    std::_Exit(127);
  }
  return pid;
}

void RadosGwCluster::run(const std::string& name, const std::vector<std::string>& argv, int timeout_seconds) const
{
  pid_t pid = spawn(name, argv);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      throw std::runtime_error(name + ": no result within " + std::to_string(timeout_seconds) + " s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error(name + " failed (" + argv[0] + ", status " + std::to_string(status) + "):\n" +
                             tail(m_dir / "log" / (name + ".out"), 20));
  }
}

void RadosGwCluster::start(const std::function<bool()>& stopping)
{
  std::string conf = m_conf.string();
  std::string monmap = (m_dir / "monmap").string();
  std::string mon_address = "[v2:127.0.0.1:" + std::to_string(m_mon_port) + "]";
  run("monmaptool", {"monmaptool", "--create", "--fsid", m_fsid, "--addv", "a", mon_address, "--clobber", monmap}, 30);
  run("mon-mkfs", {"ceph-mon", "-c", conf, "--mkfs", "-i", "a", "--monmap", monmap}, 60);
  m_daemons.push_back({"ceph-mon", spawn("ceph-mon", {"ceph-mon", "-c", conf, "-i", "a", "-f"})});
  std::string osd_uuid = uuid();
  run("osd-new", {"ceph", "-c", conf, "--connect-timeout", "60", "osd", "new", osd_uuid}, 90);
  run("osd-mkfs", {"ceph-osd", "-c", conf, "-i", "0", "--mkfs", "--osd-uuid", osd_uuid}, 60);
  m_daemons.push_back({"ceph-osd", spawn("ceph-osd", {"ceph-osd", "-c", conf, "-i", "0", "-f"})});
  m_daemons.push_back({"radosgw", spawn("radosgw", {"radosgw", "-c", conf, "-n", "client.rgw", "-f"})});
  wait_for_s3(stopping);
  run("user-create",
      {"radosgw-admin", "-c", conf, "-n", "client.admin", "user", "create", "--uid", "credguard", "--display-name",
       "credguard tests", "--access-key", m_info.access_key, "--secret-key", m_info.secret_key},
      90);
}

void RadosGwCluster::wait_for_s3(const std::function<bool()>& stopping)
{
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(k_ready_timeout_seconds);
  while (!s3_answers(m_info.port)) {
    if (stopping()) {
      throw std::runtime_error("stopped while starting");
    }
    for (const auto& daemon : m_daemons) {
      if (::waitpid(daemon.pid, nullptr, WNOHANG) == daemon.pid) {
        throw std::runtime_error(daemon.name + " exited while starting");
      }
    }
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("S3 did not answer on port " + std::to_string(m_info.port) + " within " +
                               std::to_string(k_ready_timeout_seconds) + " s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

void RadosGwCluster::reap()
{
  for (auto& daemon : m_daemons) {
    int status = 0;
    if (daemon.pid > 0 && ::waitpid(daemon.pid, &status, WNOHANG) == daemon.pid) {
      std::fprintf(stderr, "%s (pid %d) exited with status %d\n", daemon.name.c_str(), daemon.pid, status);
      daemon.pid = 0;
    }
  }
}

void RadosGwCluster::stop()
{
  // Gateway first, monitor last, as Ceph shuts down cleanly that way.
  for (auto it = m_daemons.rbegin(); it != m_daemons.rend(); ++it) {
    if (it->pid > 0) {
      ::kill(it->pid, SIGTERM);
    }
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  for (auto& daemon : m_daemons) {
    while (daemon.pid > 0) {
      if (::waitpid(daemon.pid, nullptr, WNOHANG) == daemon.pid) {
        daemon.pid = 0;
      } else if (std::chrono::steady_clock::now() > deadline) {
        ::kill(daemon.pid, SIGKILL);
        ::waitpid(daemon.pid, nullptr, 0);
        daemon.pid = 0;
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
  }
  m_daemons.clear();
  if (!m_dir.empty() && std::getenv("CREDGUARD_TEST_KEEP_RADOSGW") == nullptr) {
    std::error_code ec;
    fs::remove_all(m_dir, ec);
  }
  m_dir.clear();
}

std::string RadosGwCluster::log_tail() const
{
  std::ostringstream out;
  std::error_code ec;
  if (m_dir.empty() || !fs::exists(m_dir / "log", ec)) {
    return {};
  }
  for (const auto& entry : fs::directory_iterator(m_dir / "log", ec)) {
    out << "--- " << entry.path().filename().string() << "\n" << tail(entry.path(), 15);
  }
  return out.str();
}

} // namespace credguard::test
