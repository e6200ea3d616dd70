#pragma once

#include <functional>
#include <string>

namespace credguard::incident {

// How a write went, as read back afterwards.
struct ObservedWrite {
  bool in_place = false; // the read-back shows the desired state
  std::string lost;      // non-empty: the write's answer was lost (timeout, 5xx, dropped connection)
};

// A lost answer is not a failed write. Runs `write`, then `in_place` to
// read the state back, also when `write` threw Error(unavailable): the
// request may have been applied. Any other Error from `write` (a refusal:
// 4xx, auth) is rethrown, as is an Error from the read-back.
ObservedWrite write_and_observe(const std::function<void()>& write, const std::function<bool()>& in_place);

} // namespace credguard::incident
