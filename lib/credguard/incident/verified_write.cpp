#include <credguard/core/error.hpp>
#include <credguard/incident/verified_write.hpp>

#include <fmt/format.h>

namespace credguard::incident {

ObservedWrite write_and_observe(const std::function<void()>& write, const std::function<bool()>& in_place)
{
  ObservedWrite result;
  try {
    write();
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::unavailable) {
      throw;
    }
    result.lost = e.what();
  }
  try {
    result.in_place = in_place();
  } catch (const Error& e) {
    if (result.lost.empty()) {
      throw;
    }
    throw Error(
        e.kind(),
        fmt::format("the answer to the write was lost ({}) and reading it back failed: {}", result.lost, e.what()),
        "the write may have been applied: rerun the same command to observe and finish");
  }
  return result;
}

} // namespace credguard::incident
