#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

namespace credguard::test {

// A TCP listener on 127.0.0.1 (port 0) that never says a word: the kernel
// completes every connection on its backlog, so a client connects and then
// waits for a greeting that does not come, as with a database server hung
// after accept.
class SilentServer {
public:
  SilentServer()
  {
    m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    if (m_fd < 0 || ::bind(m_fd, reinterpret_cast<sockaddr*>(&address), size) != 0 || ::listen(m_fd, 64) != 0 ||
        ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
      throw std::runtime_error("SilentServer: cannot listen on 127.0.0.1");
    }
    m_port = ntohs(address.sin_port);
  }
  ~SilentServer() { ::close(m_fd); }
  SilentServer(const SilentServer&) = delete;
  SilentServer& operator=(const SilentServer&) = delete;

  int port() const { return m_port; }

private:
  int m_fd = -1;
  int m_port = 0;
};

} // namespace credguard::test
