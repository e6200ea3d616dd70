#pragma once

#include <credguard/triage/batch.hpp>

#include <istream>
#include <optional>
#include <string_view>

namespace credguard::triage {

// What one line of the incident bot's log holds.
struct LogLine {
  enum class Kind { other, event, unreadable };
  Kind kind = Kind::other;
  GuardTripEvent event; // when kind == event
  std::string problem;  // when kind == unreadable
};

// Reads one line of the incident bot's log (`kubectl logs deployment/
// incident-bot | grep GuardTrip`). A line is
//   [RFC3339-TIME ][any text ]{JSON object}
// where the time is the one the kubelet adds with timestamps=true (it
// becomes the event's time when the event has none) and the text a logger's
// prefix ("2026-11-23 08:00:01 INFO guard:"). The object is a GuardTrip
// event when its "type" is "GuardTrip" (see GuardTripEvent); anything else
// (no object, another type, plain text) is `other`. A line that names
// GuardTrip but whose object cannot be read is `unreadable` with the
// problem ("<source>:<line>: ..."). Never throws for the line's content.
LogLine parse_log_line(std::string_view text, std::string_view source, std::size_t line);

// Triages every GuardTrip event of a log (see parse_log_line): other lines
// are counted as ignored, unreadable ones as unreadable (the first problem
// kept); `context` applies to every event, as in triage_stream.
BatchResult triage_log(std::istream& in, std::string_view source, const Thresholds& thresholds,
                       const BatchContext& context = {});

} // namespace credguard::triage
