#pragma once

#include <chrono>

namespace credguard {

using SystemTime = std::chrono::system_clock::time_point;
using SteadyTime = std::chrono::steady_clock::time_point;
using Millis = std::chrono::milliseconds;

// Time as the program sees it. Commands and clients take a Clock so tests
// can fake the wall time and make retries and backoff cost nothing.
class Clock {
public:
  virtual ~Clock() = default;
  // Wall-clock time, for timestamps.
  virtual SystemTime now() const = 0;
  // Monotonic time, for durations and deadlines.
  virtual SteadyTime steady_now() const = 0;
  // Blocks for `duration` (a fake clock just advances).
  virtual void sleep_for(Millis duration) const = 0;
};

// The real clocks and std::this_thread::sleep_for.
class SystemClock final : public Clock {
public:
  SystemTime now() const override;
  SteadyTime steady_now() const override;
  void sleep_for(Millis duration) const override;
};

// Milliseconds elapsed on the steady clock since `start`.
Millis elapsed_since(const Clock& clock, SteadyTime start);

} // namespace credguard
