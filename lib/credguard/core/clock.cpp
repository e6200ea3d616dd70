#include <credguard/core/clock.hpp>

#include <thread>

namespace credguard {

SystemTime SystemClock::now() const
{
  return std::chrono::system_clock::now();
}

SteadyTime SystemClock::steady_now() const
{
  return std::chrono::steady_clock::now();
}

void SystemClock::sleep_for(Millis duration) const
{
  std::this_thread::sleep_for(duration);
}

Millis elapsed_since(const Clock& clock, SteadyTime start)
{
  return std::chrono::duration_cast<Millis>(clock.steady_now() - start);
}

} // namespace credguard
