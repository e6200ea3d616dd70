// RFC 3339 and duration parsing (core/time_format): a time that parses must
// format and parse back to the same millisecond.

#include "fuzz_input.hpp"

#include <credguard/core/time_format.hpp>

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  using namespace credguard;
  auto text = fuzz::as_text(data, size);
  if (auto time = parse_rfc3339(text)) {
    auto again = parse_rfc3339(format_rfc3339(*time));
    if (!again || std::chrono::floor<Millis>(*again) != std::chrono::floor<Millis>(*time)) {
      std::abort();
    }
  }
  // format_duration is for people: "1m30s" (not read back by parse_duration)
  // and "4.9s" for 4949ms (rounded), so only its safety is checked here.
  if (auto duration = parse_duration(text)) {
    (void)format_duration(*duration);
  }
  return 0;
}
