// Auth-log and other log lines (checks/log_time, checks/log_walk): each
// line's leading timestamp in every format the log kinds read, then the
// lines within a window as the auth_failures kind walks them.

#include "fuzz_input.hpp"

#include <credguard/checks/log_time.hpp>
#include <credguard/checks/log_walk.hpp>
#include <credguard/core/error.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  using namespace credguard;
  static const fuzz::ScratchFile file("auth.log");
  // 2026-11-23T08:00:00Z: syslog lines without a year take the one before it.
  const SystemTime now{std::chrono::seconds(1'795'420'800)};
  auto text = fuzz::as_text(data, size);
  fuzz::each_line(text, [&](std::string_view line, std::size_t) { (void)checks::parse_log_time(line, now); });
  try {
    checks::LogWalk walk({file.write(text)}, now);
    std::size_t failures = 0;
    walk.within(Millis(3'600'000), [&](std::string_view line, SystemTime) {
      failures += line.find("Failed password") != std::string_view::npos ? 1 : 0;
    });
  } catch (const Error&) {
  }
  return 0;
}
