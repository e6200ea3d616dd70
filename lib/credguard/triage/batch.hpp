#pragma once

#include <credguard/core/exit_code.hpp>
#include <credguard/triage/decision.hpp>

#include <array>
#include <cstddef>
#include <functional>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace credguard::triage {

// One triaged event of a stream, with the line it came from.
struct BatchItem {
  std::size_t line = 0;
  Verdict verdict;
};

// The outcome of triaging a stream of events.
struct BatchResult {
  std::vector<BatchItem> items;
  std::size_t lines = 0;               // non-blank lines read
  std::size_t ignored = 0;             // events of another type than GuardTrip (or, in a log, not events)
  std::size_t unreadable = 0;          // log lines naming GuardTrip that could not be read (logs only)
  std::string first_unreadable;        // why the first of them could not be read
  std::array<std::size_t, 4> counts{}; // by Decision

  std::size_t count(Decision decision) const { return counts.at(static_cast<std::size_t>(decision)); }
  // 2 when any event is a legitimate incident, 1 when any must be
  // investigated or monitored, else 0 (also for an empty stream).
  ExitCode exit_code() const;
};

// Context that applies to every event of a batch (command-line flags).
struct BatchContext {
  bool maintenance = false;
  bool recent_deploy = false;
};

// Reads JSON Lines GuardTrip events from `in` (blank lines skipped), then
// triages them all. Events that carry a time and a capsule hash are counted
// against each other: a trip whose capsule is one of several tripping within
// `thresholds.capsule_window` of it is treated as several capsules affected.
// Throws Error(data) "<source>:<line>: ..." on the first malformed line;
// nothing is returned then.
BatchResult triage_stream(std::istream& in, std::string_view source, const Thresholds& thresholds,
                          const BatchContext& context = {});

// Counts, per event, the distinct capsules tripping within `window` of it
// (itself included); events without time or capsule count 1. Exposed for
// tests.
std::vector<long long> capsules_at_once(const std::vector<GuardTripEvent>& events, Millis window);

// Reads `in` line by line for triage_stream and its relatives: blank lines
// are skipped, the others counted in result.lines and given to `parse`,
// which returns the line's event or nullopt (having counted in `result` why
// the line holds none). The events found get `context` and are triaged as
// triage_stream describes. Throws Error(data) "<source>:<line>: ..." for a
// line longer than k_max_line_bytes.
constexpr std::size_t k_max_line_bytes = 1024 * 1024;
using LineParser =
    std::function<std::optional<GuardTripEvent>(const std::string& text, std::size_t line, BatchResult& result)>;
BatchResult triage_lines(std::istream& in, std::string_view source, const Thresholds& thresholds,
                         const BatchContext& context, const LineParser& parse);

// {"events", "ignored", "unreadable", "false_positive", "monitor", "investigate", "legitimate"}.
nlohmann::json summary_json(const BatchResult& result);

} // namespace credguard::triage
