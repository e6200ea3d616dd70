// The incident bot's log (triage/bot_log): parse_log_line promises never to
// throw for a line's content; triage_log reads a whole log.

#include "fuzz_input.hpp"

#include <credguard/triage/bot_log.hpp>

#include <sstream>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  using namespace credguard;
  auto text = fuzz::as_text(data, size);
  fuzz::each_line(text, [](std::string_view line, std::size_t number) {
    (void)triage::parse_log_line(line, "incident-bot", number);
  });
  std::istringstream in{std::string(text)};
  (void)triage::triage_log(in, "incident-bot", triage::Thresholds{});
  return 0;
}
