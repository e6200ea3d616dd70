#pragma once

#include "support/temp_dir.hpp"

#include <string>
#include <sys/types.h>

namespace credguard::test {

// A real Varnish (Debian's varnishd) on a free loopback port, in front of
// an origin on `backend_port`, with a VCL that accepts PURGE from loopback
// and answers cache hits with two ids in X-Varnish. Runs in the foreground
// without a jail, with its working directory in a temporary folder;
// stopped when the object goes away.
class Varnish {
public:
  explicit Varnish(int backend_port);
  ~Varnish();
  Varnish(const Varnish&) = delete;
  Varnish& operator=(const Varnish&) = delete;

  int port() const { return m_port; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }

  // True when varnishd is on PATH (Debian package varnish).
  static bool available();

private:
  TempDir m_dir;
  int m_port = 0;
  pid_t m_pid = -1;
};

} // namespace credguard::test
