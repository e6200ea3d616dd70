// GuardTrip events (triage/event, triage/batch): the input as one --event
// document, then as a --batch stream of JSON Lines, every event triaged with
// the default thresholds. Malformed input is Error(data); anything else
// escaping is a finding.

#include "fuzz_input.hpp"

#include <credguard/core/error.hpp>
#include <credguard/triage/batch.hpp>
#include <credguard/triage/event.hpp>

#include <sstream>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  using namespace credguard;
  auto text = fuzz::as_text(data, size);
  try {
    auto event = triage::parse_event_document(text, "event.json");
    triage::check_inputs(event, "event.json");
    (void)triage::to_json(event).dump();
  } catch (const Error&) {
  }
  try {
    std::istringstream in{std::string(text)};
    auto result = triage::triage_stream(in, "events.jsonl", triage::Thresholds{});
    (void)triage::summary_json(result).dump();
  } catch (const Error&) {
  }
  return 0;
}
