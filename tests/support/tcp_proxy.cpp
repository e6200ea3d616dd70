#include "support/tcp_proxy.hpp"

#include <arpa/inet.h>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <netinet/in.h>
#include <poll.h>
#include <set>
#include <stdexcept>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace credguard::test {

namespace {

sockaddr_in loopback(int port)
{
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  return address;
}

int listen_on(int port)
{
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address = loopback(port);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(fd, 64) != 0) {
    throw std::runtime_error(std::string("TcpProxy: cannot listen: ") + std::strerror(errno));
  }
  return fd;
}

int connect_to(int port)
{
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address = loopback(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

} // namespace

struct TcpProxy::Impl {
  int target_port = 0;
  std::mutex mutex;
  int listener = -1;
  bool stopping = false;
  std::set<int> sockets; // every open socket of every connection
  std::vector<std::thread> threads;
  std::atomic<std::uint64_t> uploaded{0};
  std::atomic<std::uint64_t> cut_at{0}; // 0: never
  std::thread acceptor;

  // Closes the listener and breaks every connection. Caller holds mutex.
  void cut_locked()
  {
    if (listener >= 0) {
      ::shutdown(listener, SHUT_RDWR);
      ::close(listener);
      listener = -1;
    }
    for (int fd : sockets) {
      ::shutdown(fd, SHUT_RDWR);
    }
  }

  bool is_stopping()
  {
    std::lock_guard lock(mutex);
    return stopping;
  }

  void accept_loop()
  {
    while (!is_stopping()) {
      int current = -1;
      {
        std::lock_guard lock(mutex);
        current = listener;
      }
      if (current < 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        continue;
      }
      pollfd pfd{current, POLLIN, 0};
      if (::poll(&pfd, 1, 50) <= 0 || (pfd.revents & POLLIN) == 0) {
        continue;
      }
      std::lock_guard lock(mutex);
      if (listener != current || stopping) {
        continue;
      }
      int client = ::accept4(current, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
      if (client < 0) {
        continue;
      }
      ::fcntl(client, F_SETFL, ::fcntl(client, F_GETFL) & ~O_NONBLOCK);
      int server = connect_to(target_port);
      if (server < 0) {
        ::close(client);
        continue;
      }
      sockets.insert(client);
      sockets.insert(server);
      threads.emplace_back([this, client, server] { forward(client, server); });
    }
  }

  // Copies bytes both ways until either side closes or the proxy is cut.
  void forward(int client, int server)
  {
    std::vector<char> buffer(65536);
    for (bool open = true; open && !is_stopping();) {
      pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
      if (::poll(fds, 2, 100) < 0) {
        break;
      }
      for (int i = 0; i < 2 && open; ++i) {
        if (fds[i].revents == 0) {
          continue;
        }
        long n = ::recv(fds[i].fd, buffer.data(), buffer.size(), 0);
        if (n <= 0) {
          open = false;
          break;
        }
        if (i == 0 && limit_reached(static_cast<std::uint64_t>(n))) {
          open = false;
          break;
        }
        int to = i == 0 ? server : client;
        open = ::send(to, buffer.data(), static_cast<std::size_t>(n), MSG_NOSIGNAL) == n;
      }
    }
    std::lock_guard lock(mutex);
    sockets.erase(client);
    sockets.erase(server);
    ::close(client);
    ::close(server);
  }

  // Counts client bytes; true (and cuts) when the cut_after limit is hit.
  bool limit_reached(std::uint64_t bytes)
  {
    std::uint64_t total = uploaded += bytes;
    std::uint64_t limit = cut_at.load();
    if (limit == 0 || total < limit) {
      return false;
    }
    std::lock_guard lock(mutex);
    cut_at = 0;
    cut_locked();
    return true;
  }
};

TcpProxy::TcpProxy(int target_port)
  : m_impl(std::make_unique<Impl>())
{
  m_impl->target_port = target_port;
  m_impl->listener = listen_on(0);
  sockaddr_in address{};
  socklen_t length = sizeof address;
  ::getsockname(m_impl->listener, reinterpret_cast<sockaddr*>(&address), &length);
  m_port = ntohs(address.sin_port);
  m_impl->acceptor = std::thread([this] { m_impl->accept_loop(); });
}

TcpProxy::~TcpProxy()
{
  {
    std::lock_guard lock(m_impl->mutex);
    m_impl->stopping = true;
    m_impl->cut_locked();
  }
  m_impl->acceptor.join();
  for (auto& thread : m_impl->threads) {
    thread.join();
  }
}

std::string TcpProxy::url() const
{
  return "http://127.0.0.1:" + std::to_string(m_port);
}

void TcpProxy::cut()
{
  std::lock_guard lock(m_impl->mutex);
  m_impl->cut_locked();
}

void TcpProxy::restore()
{
  std::lock_guard lock(m_impl->mutex);
  if (m_impl->listener < 0) {
    m_impl->listener = listen_on(m_port);
  }
}

void TcpProxy::cut_after_upload_bytes(std::uint64_t bytes)
{
  m_impl->cut_at = m_impl->uploaded.load() + bytes;
}

std::uint64_t TcpProxy::uploaded_bytes() const
{
  return m_impl->uploaded.load();
}

} // namespace credguard::test
