// `purge-cache` across 500 endpoints that each answer after 50 ms: the wall
// time should be close to the slowest endpoint, not their sum. Compares, in
// one run, credguard's concurrent purge with the same purge done
// sequentially (concurrency 1), with the sum of the endpoints' own times,
// and with a shell loop of curl over the same URLs.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <arpa/inet.h>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

constexpr int k_endpoints = 500;
constexpr auto k_delay = std::chrono::milliseconds(50);

// A loopback HTTP server that answers every request 200 after k_delay, one
// thread per connection (keep-alive).
class SlowServer {
public:
  SlowServer()
  {
    m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int yes = 1;
    ::setsockopt(m_fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::listen(m_fd, 4096);
    socklen_t length = sizeof address;
    ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&address), &length);
    m_port = ntohs(address.sin_port);
    m_acceptor = std::thread([this] { accept_loop(); });
  }
  ~SlowServer()
  {
    m_stop = true;
    ::shutdown(m_fd, SHUT_RDWR);
    ::close(m_fd);
    m_acceptor.join();
  }
  SlowServer(const SlowServer&) = delete;
  SlowServer& operator=(const SlowServer&) = delete;

  int port() const { return m_port; }

private:
  void accept_loop()
  {
    while (!m_stop) {
      int client = ::accept4(m_fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0) {
        continue;
      }
      std::thread([client] { serve(client); }).detach();
    }
  }

  static void serve(int client)
  {
    std::string buffer;
    char chunk[4096];
    while (true) {
      auto end = buffer.find("\r\n\r\n");
      if (end == std::string::npos) {
        auto n = ::recv(client, chunk, sizeof chunk, 0);
        if (n <= 0) {
          break;
        }
        buffer.append(chunk, static_cast<std::size_t>(n));
        continue;
      }
      buffer.erase(0, end + 4);
      std::this_thread::sleep_for(k_delay);
      const std::string answer = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
      if (::send(client, answer.data(), answer.size(), MSG_NOSIGNAL) < 0) {
        break;
      }
    }
    ::close(client);
  }

  int m_fd = -1;
  int m_port = 0;
  std::atomic<bool> m_stop{false};
  std::thread m_acceptor;
};

double seconds_since(std::chrono::steady_clock::time_point start)
{
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string run(const std::string& command, double& seconds)
{
  auto start = std::chrono::steady_clock::now();
  std::string out;
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    char chunk[65536];
    while (std::size_t n = std::fread(chunk, 1, sizeof chunk, pipe)) {
      out.append(chunk, n);
    }
    ::pclose(pipe);
  }
  seconds = seconds_since(start);
  return out;
}

} // namespace

int main()
{
  namespace fs = std::filesystem;
  auto dir = fs::temp_directory_path() / fmt::format("credguard-bench-purge-{}", ::getpid());
  fs::create_directories(dir);
  SlowServer server;
  std::string base = fmt::format("http://127.0.0.1:{}", server.port());

  std::ofstream urls(dir / "urls.txt");
  std::string endpoints;
  for (int i = 0; i < k_endpoints; ++i) {
    std::string url = fmt::format("{}/admin/purge?node={}&model={{model}}&version={{version}}", base, i);
    endpoints += fmt::format("    - {{name: gw-{}, url: '{}'}}\n", i, url);
    urls << fmt::format("{}/admin/purge?node={}&model=credit-score&version=7\n", base, i);
  }
  urls.close();
  auto write_config = [&](int concurrency) {
    auto path = dir / fmt::format("config-{}.yaml", concurrency);
    std::ofstream(path) << fmt::format("purge:\n  timeout: 10s\n  concurrency: {}\n  gateway:\n{}", concurrency,
                                       endpoints);
    return path;
  };
  std::string env = fmt::format("HOME={0} CREDGUARD_JOURNAL={0}/journal.db", dir.string());
  auto purge = [&](int concurrency, double& seconds) {
    auto out = run(fmt::format("{} {} --config {} --output json purge-cache credit-score 7 --yes 2>/dev/null", env,
                               CREDGUARD_BINARY, write_config(concurrency).string()),
                   seconds);
    return nlohmann::json::parse(out, nullptr, false);
  };

  double all_at_once = 0;
  auto document = purge(k_endpoints, all_at_once);
  double default_limit = 0;
  purge(100, default_limit);
  double sequential = 0;
  auto one_by_one = purge(1, sequential);
  if (document.is_discarded() || document["endpoints"].size() != k_endpoints) {
    fmt::print(stderr, "purge-cache did not report {} endpoints\n", k_endpoints);
    return 1;
  }
  std::size_t ok = 0;
  for (const auto& endpoint : document["endpoints"]) {
    ok += endpoint.value("ok", false) ? 1U : 0U;
  }
  // The sequential sum: each endpoint's own time when nothing else runs.
  double sum = 0;
  double slowest = 0;
  for (const auto& endpoint : one_by_one.value("endpoints", nlohmann::json::array())) {
    double seconds = endpoint.value("ms", 0.0) / 1000.0;
    sum += seconds;
    slowest = std::max(slowest, seconds);
  }
  double curl_loop = 0;
  run(fmt::format("bash -c 'while read -r u; do curl -s -o /dev/null \"$u\"; done < {}'", (dir / "urls.txt").string()),
      curl_loop);
  fs::remove_all(dir);

  fmt::print("purge-cache: {} endpoints, each answering after {} ms ({} purged)\n", k_endpoints, k_delay.count(), ok);
  fmt::print("  credguard purge-cache, concurrency {}     {:7.2f} s wall\n", k_endpoints, all_at_once);
  fmt::print("  credguard purge-cache, concurrency 100     {:7.2f} s wall (the default)\n", default_limit);
  fmt::print("  reference: credguard, concurrency 1        {:7.2f} s wall (sequential; x{:.0f} slower)\n", sequential,
             sequential / all_at_once);
  fmt::print("  reference: sequential sum of their times    {:7.2f} s  (slowest single endpoint {:.3f} s)\n", sum,
             slowest);
  fmt::print("  reference: shell loop of curl              {:7.2f} s wall (x{:.0f} slower)\n", curl_loop,
             curl_loop / all_at_once);
  return ok == static_cast<std::size_t>(k_endpoints) ? 0 : 1;
}
