#include <credguard/core/files.hpp>
#include <credguard/triage/batch.hpp>

#include <algorithm>
#include <string>
#include <unordered_map>

namespace credguard::triage {

ExitCode BatchResult::exit_code() const
{
  if (count(Decision::legitimate) > 0) {
    return ExitCode::critical;
  }
  if (count(Decision::investigate) > 0 || count(Decision::monitor) > 0) {
    return ExitCode::warning;
  }
  return ExitCode::ok;
}

std::vector<long long> capsules_at_once(const std::vector<GuardTripEvent>& events, Millis window)
{
  std::vector<long long> result(events.size(), 1);
  std::vector<std::size_t> timed;
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (events[i].time && !events[i].capsule.empty()) {
      timed.push_back(i);
    }
  }
  std::stable_sort(timed.begin(), timed.end(),
                   [&](std::size_t a, std::size_t b) { return *events[a].time < *events[b].time; });
  // Sliding window [t - window, t + window] over the events sorted by time,
  // with a count per capsule inside it.
  std::unordered_map<std::string_view, std::size_t> inside;
  std::size_t left = 0;
  std::size_t right = 0;
  for (std::size_t index : timed) {
    auto t = *events[index].time;
    while (right < timed.size() && *events[timed[right]].time <= t + window) {
      ++inside[events[timed[right]].capsule];
      ++right;
    }
    while (*events[timed[left]].time < t - window) {
      std::string_view capsule = events[timed[left]].capsule;
      if (--inside[capsule] == 0) {
        inside.erase(capsule);
      }
      ++left;
    }
    result[index] = static_cast<long long>(inside.size());
  }
  return result;
}

BatchResult triage_stream(std::istream& in, std::string_view source, const Thresholds& thresholds,
                          const BatchContext& context)
{
  return triage_lines(in, source, thresholds, context,
                      [source](const std::string& text, std::size_t line, BatchResult& result) {
                        auto event = parse_event_line(text, source, line);
                        if (!event) {
                          ++result.ignored;
                        }
                        return event;
                      });
}

BatchResult triage_lines(std::istream& in, std::string_view source, const Thresholds& thresholds,
                         const BatchContext& context, const LineParser& parse)
{
  BatchResult result;
  std::vector<GuardTripEvent> events;
  std::vector<std::size_t> lines;
  std::string text;
  for (std::size_t line = 1; read_line(in, text, k_max_line_bytes, source, line); ++line) {
    if (text.find_first_not_of(" \t\r") == std::string::npos) {
      continue;
    }
    ++result.lines;
    auto event = parse(text, line, result);
    if (!event) {
      continue;
    }
    event->maintenance = event->maintenance || context.maintenance;
    event->recent_deploy = event->recent_deploy || context.recent_deploy;
    events.push_back(std::move(*event));
    lines.push_back(line);
  }
  auto at_once = capsules_at_once(events, thresholds.capsule_window);
  result.items.reserve(events.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    events[i].capsules_affected = std::max(events[i].capsules_affected, at_once[i]);
    auto verdict = decide(std::move(events[i]), thresholds);
    ++result.counts.at(static_cast<std::size_t>(verdict.decision));
    result.items.push_back({lines[i], std::move(verdict)});
  }
  return result;
}

nlohmann::json summary_json(const BatchResult& result)
{
  nlohmann::json out = {{"events", result.items.size()},
                        {"lines", result.lines},
                        {"ignored", result.ignored},
                        {"unreadable", result.unreadable}};
  for (auto d : {Decision::false_positive, Decision::monitor, Decision::investigate, Decision::legitimate}) {
    out[std::string(to_string(d))] = result.count(d);
  }
  return out;
}

} // namespace credguard::triage
