#pragma once

#include <credguard/core/clock.hpp>

#include <mutex>
#include <vector>

namespace credguard::test {

// A clock that only moves when told to, or when code sleeps on it (the
// sleep returns at once and is recorded).
class FakeClock final : public Clock {
public:
  // Starts at 2026-11-23T08:00:00Z.
  FakeClock();

  SystemTime now() const override;
  SteadyTime steady_now() const override;
  void sleep_for(Millis duration) const override;

  void advance(Millis duration);
  void set(SystemTime time);
  std::vector<Millis> sleeps() const;

private:
  mutable std::mutex m_mutex;
  mutable SystemTime m_now;
  mutable SteadyTime m_steady;
  mutable std::vector<Millis> m_sleeps;
};

} // namespace credguard::test
