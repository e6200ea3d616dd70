#include "support/fake_clock.hpp"

#include <credguard/core/time_format.hpp>

namespace credguard::test {

FakeClock::FakeClock()
  : m_now(*parse_rfc3339("2026-11-23T08:00:00Z"))
  , m_steady(SteadyTime{} + std::chrono::hours(1))
{}

SystemTime FakeClock::now() const
{
  std::lock_guard lock(m_mutex);
  return m_now;
}

SteadyTime FakeClock::steady_now() const
{
  std::lock_guard lock(m_mutex);
  return m_steady;
}

void FakeClock::sleep_for(Millis duration) const
{
  std::lock_guard lock(m_mutex);
  m_sleeps.push_back(duration);
  m_now += duration;
  m_steady += duration;
}

void FakeClock::advance(Millis duration)
{
  std::lock_guard lock(m_mutex);
  m_now += duration;
  m_steady += duration;
}

void FakeClock::set(SystemTime time)
{
  std::lock_guard lock(m_mutex);
  m_now = time;
}

std::vector<Millis> FakeClock::sleeps() const
{
  std::lock_guard lock(m_mutex);
  return m_sleeps;
}

} // namespace credguard::test
