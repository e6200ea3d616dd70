#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/core/time_format.hpp>
#include <credguard/triage/bot_log.hpp>

#include <fmt/format.h>

#include <string>
#include <vector>

namespace credguard::triage {

namespace {

// The kubelet's prefix: an RFC 3339 time and one space.
std::optional<SystemTime> strip_timestamp(std::string_view& text)
{
  auto space = text.find(' ');
  if (space == std::string_view::npos || space < 20 || text[4] != '-' || text[10] != 'T') {
    return std::nullopt;
  }
  auto time = parse_rfc3339(text.substr(0, space));
  if (time) {
    text.remove_prefix(space + 1);
  }
  return time;
}

} // namespace

LogLine parse_log_line(std::string_view text, std::string_view source, std::size_t line)
{
  LogLine out;
  auto stamped = strip_timestamp(text);
  auto open = text.find('{');
  auto close = text.rfind('}');
  bool names_trip = text.find("GuardTrip") != std::string_view::npos;
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
    if (names_trip) {
      out.kind = LogLine::Kind::unreadable;
      out.problem = fmt::format("{}:{}: names GuardTrip but holds no JSON object", source, line);
    }
    return out;
  }
  std::string where = fmt::format("{}:{}", source, line);
  nlohmann::json object;
  try {
    object = nlohmann::json::parse(text.substr(open, close - open + 1));
  } catch (const nlohmann::json::exception&) {
    // parse_error, or out_of_range for a number such as 1e999: never thrown on.
    if (names_trip) {
      out.kind = LogLine::Kind::unreadable;
      out.problem = where + ": names GuardTrip but its JSON object is not valid JSON (or holds a number beyond "
                            "the range of a double)";
    }
    return out;
  }
  // In a log, an object without a type is some other record, not an event.
  if (!object.is_object() || !object.contains("type")) {
    return out;
  }
  try {
    if (auto event = event_from_json(object, where)) {
      out.kind = LogLine::Kind::event;
      out.event = std::move(*event);
      if (!out.event.time && stamped) {
        out.event.time = stamped;
      }
    }
  } catch (const Error& e) {
    out.kind = LogLine::Kind::unreadable;
    out.problem = e.what();
  }
  return out;
}

BatchResult triage_log(std::istream& in, std::string_view source, const Thresholds& thresholds,
                       const BatchContext& context)
{
  return triage_lines(
      in, source, thresholds, context,
      [source](const std::string& text, std::size_t line, BatchResult& result) -> std::optional<GuardTripEvent> {
        auto parsed = parse_log_line(trim(text), source, line);
        if (parsed.kind == LogLine::Kind::other) {
          ++result.ignored;
          return std::nullopt;
        }
        if (parsed.kind == LogLine::Kind::unreadable) {
          if (result.unreadable++ == 0) {
            result.first_unreadable = parsed.problem;
          }
          return std::nullopt;
        }
        return std::move(parsed.event);
      });
}

} // namespace credguard::triage
