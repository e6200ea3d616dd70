#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace credguard::test {

// A TCP forwarder from 127.0.0.1:port() (picked by the kernel) to
// 127.0.0.1:target_port, to make a real server fail on demand: cut()
// breaks every open connection and refuses new ones, as a crashed server
// would; restore() accepts again on the same port.
class TcpProxy {
public:
  explicit TcpProxy(int target_port);
  ~TcpProxy();
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  int port() const { return m_port; }
  // "http://127.0.0.1:PORT".
  std::string url() const;
  void cut();
  void restore();
  // Cuts by itself once `bytes` more bytes went from clients to the server:
  // an outage in the middle of an upload.
  void cut_after_upload_bytes(std::uint64_t bytes);
  // Bytes forwarded from clients to the server so far.
  std::uint64_t uploaded_bytes() const;

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
  int m_port = 0;
};

} // namespace credguard::test
