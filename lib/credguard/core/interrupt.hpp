#pragma once

#include <atomic>

namespace credguard {

// While it lives, SIGINT and SIGTERM (Ctrl-C, systemd, Kubernetes) set a
// flag instead of ending the process, so that the work under way stops at a
// point where it can clean up (remove a file holding a password, journal
// `interrupted`). A second signal ends the process as usual. The signals
// return to their defaults when it goes. One at a time.
class InterruptScope {
public:
  InterruptScope();
  ~InterruptScope();
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;

  // True once SIGINT or SIGTERM arrived.
  const std::atomic<bool>& flag() const;
};

} // namespace credguard
