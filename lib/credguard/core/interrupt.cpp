#include <credguard/core/interrupt.hpp>

#include <csignal>

namespace credguard {

namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void credguard_core_on_interrupt(int signal)
{
  g_interrupted.store(true);
  std::signal(signal, SIG_DFL); // a second Ctrl-C ends the process
}

} // namespace

InterruptScope::InterruptScope()
{
  g_interrupted.store(false);
  std::signal(SIGINT, credguard_core_on_interrupt);
  std::signal(SIGTERM, credguard_core_on_interrupt);
}

InterruptScope::~InterruptScope()
{
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

const std::atomic<bool>& InterruptScope::flag() const
{
  return g_interrupted;
}

} // namespace credguard
