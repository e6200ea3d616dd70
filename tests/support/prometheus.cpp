#include "support/prometheus.hpp"

#include "support/temp_dir.hpp"

#include <credguard/core/strings.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <cstdlib>
#include <fstream>
#include <netinet/in.h>
#include <stdexcept>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace credguard::test {

Exporter::Exporter()
  : m_server([this](const HttpRequest& request) {
    if (request.path != "/metrics") {
      return HttpResponse::text(404, "not found\n");
    }
    HttpResponse response = HttpResponse::text(200, render());
    response.headers = {{"Content-Type", "text/plain; version=0.0.4"}};
    return response;
  })
{}

void Exporter::set(const std::string& series, double value)
{
  std::lock_guard lock(m_mutex);
  m_samples[series] = value;
}

void Exporter::set_counter(const std::string& series, double per_second)
{
  std::lock_guard lock(m_mutex);
  m_counters[series] = Counter{per_second, std::chrono::steady_clock::now()};
}

void Exporter::remove(const std::string& series)
{
  std::lock_guard lock(m_mutex);
  m_samples.erase(series);
  m_counters.erase(series);
}

std::string Exporter::target() const
{
  return "127.0.0.1:" + std::to_string(m_server.port());
}

std::string Exporter::render() const
{
  std::lock_guard lock(m_mutex);
  std::string text;
  for (const auto& [series, value] : m_samples) {
    text += fmt::format("{} {}\n", series, value);
  }
  auto now = std::chrono::steady_clock::now();
  for (const auto& [series, counter] : m_counters) {
    double seconds = std::chrono::duration<double>(now - counter.since).count();
    text += fmt::format("{} {}\n", series, counter.per_second * seconds);
  }
  return text;
}

PrometheusServer::PrometheusServer(const std::string& target)
{
  m_dir = make_server_dir("credguard-prometheus");
  auto config = m_dir / "prometheus.yml";
  std::ofstream(config) << fmt::format("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                                       "scrape_configs:\n  - job_name: credguard-test\n"
                                       "    static_configs:\n      - targets: [\"{}\"]\n",
                                       target);
  auto log = m_dir / "prometheus.log";
  for (int attempt = 0; attempt < 3 && !m_daemon; ++attempt) {
    m_port = free_port();
    auto daemon = std::make_unique<Daemon>(
        std::vector<std::string>{find_program("prometheus"), "--config.file=" + config.string(),
                                 "--storage.tsdb.path=" + (m_dir / "data").string(),
                                 "--web.listen-address=127.0.0.1:" + std::to_string(m_port), "--log.level=warn"},
        log);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (daemon->running() && std::chrono::steady_clock::now() < deadline &&
           loopback_get(m_port, "/-/ready").first != 200) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (daemon->running() && loopback_get(m_port, "/-/ready").first == 200) {
      m_daemon = std::move(daemon);
    }
  }
  if (!m_daemon) {
    std::string why;
    try {
      why = slurp(log);
    } catch (const std::exception&) {
    }
    std::error_code ec;
    std::filesystem::remove_all(m_dir, ec);
    throw std::runtime_error("prometheus did not start:\n" + why);
  }
}

PrometheusServer::~PrometheusServer()
{
  m_daemon.reset();
  std::error_code ec;
  std::filesystem::remove_all(m_dir, ec);
}

std::string PrometheusServer::url() const
{
  return "http://127.0.0.1:" + std::to_string(m_port);
}

std::optional<double> PrometheusServer::wait_for(const std::string& promql, const std::function<bool(double)>& accept,
                                                 std::chrono::seconds timeout) const
{
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto [status, body] = loopback_get(m_port, "/api/v1/query?query=" + percent_encode(promql));
    auto json = nlohmann::json::parse(body, nullptr, false);
    if (status == 200 && json.is_object()) {
      const auto& result = json["data"]["result"];
      std::optional<std::string> text;
      if (json["data"]["resultType"] == "scalar") {
        text = result[1].get<std::string>();
      } else if (result.is_array() && !result.empty()) {
        text = result[0]["value"][1].get<std::string>();
      }
      if (text) {
        double value = std::strtod(text->c_str(), nullptr);
        if (accept(value)) {
          return value;
        }
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return std::nullopt;
}

std::pair<int, std::string> loopback_get(int port, const std::string& target)
{
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return {0, ""};
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  timeval limit{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return {0, ""};
  }
  std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<long>(request.size())) {
    ::close(fd);
    return {0, ""};
  }
  std::string answer;
  char buffer[16384];
  long n = 0;
  while ((n = ::recv(fd, buffer, sizeof buffer, 0)) > 0) {
    answer.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  auto header_end = answer.find("\r\n\r\n");
  if (!answer.starts_with("HTTP/1.") || answer.size() < 12 || header_end == std::string::npos) {
    return {0, ""};
  }
  int status = std::atoi(answer.substr(9, 3).c_str());
  std::string body = answer.substr(header_end + 4);
  if (answer.substr(0, header_end).find("Transfer-Encoding: chunked") != std::string::npos) {
    std::string decoded;
    std::size_t at = 0;
    while (at < body.size()) {
      auto line_end = body.find("\r\n", at);
      if (line_end == std::string::npos) {
        break;
      }
      auto size = std::strtoul(body.substr(at, line_end - at).c_str(), nullptr, 16);
      if (size == 0) {
        break;
      }
      decoded += body.substr(line_end + 2, size);
      at = line_end + 2 + size + 2;
    }
    body = decoded;
  }
  return {status, body};
}

} // namespace credguard::test
