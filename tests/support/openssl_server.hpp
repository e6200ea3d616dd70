#pragma once

#include "support/certs.hpp"

#include <filesystem>
#include <string>
#include <sys/types.h>

namespace credguard::test {

// A real TLS server for tests: `openssl s_server -www` on 127.0.0.1 and a
// port the kernel picks (read from its "ACCEPT" line), serving `cert`
// (with `chain_pem` appended as intermediates). Files and logs go in `dir`.
// Stopped (SIGTERM, then SIGKILL) when the object goes away.
class OpensslServer {
public:
  // Throws std::runtime_error when openssl is missing (scripts/deps.sh
  // test installs it) or does not start listening within 10 s.
  OpensslServer(const CertPair& cert, const std::filesystem::path& dir, const std::string& chain_pem = {});
  ~OpensslServer();
  OpensslServer(const OpensslServer&) = delete;
  OpensslServer& operator=(const OpensslServer&) = delete;

  int port() const { return m_port; }
  // "127.0.0.1:PORT".
  std::string endpoint() const { return "127.0.0.1:" + std::to_string(m_port); }

private:
  pid_t m_pid = -1;
  int m_port = 0;
};

} // namespace credguard::test
