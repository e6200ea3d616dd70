#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/core/time_format.hpp>
#include <credguard/triage/event.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>

namespace credguard::triage {

namespace {

[[noreturn]] void fail(std::string_view where, std::string_view field, const std::string& problem)
{
  throw Error(ErrorKind::data, fmt::format("{}: {}: {}", where, field, problem));
}

const nlohmann::json* member(const nlohmann::json& object, std::initializer_list<const char*> names)
{
  for (const char* name : names) {
    auto it = object.find(name);
    if (it != object.end() && !it->is_null()) {
      return &*it;
    }
  }
  return nullptr;
}

std::string text_field(const nlohmann::json& object, std::string_view where, const char* name,
                       std::initializer_list<const char*> names)
{
  const auto* value = member(object, names);
  if (value == nullptr) {
    return "";
  }
  if (value->is_string()) {
    return value->get<std::string>();
  }
  if (value->is_number()) {
    return value->dump();
  }
  fail(where, name, "expected text");
}

bool bool_field(const nlohmann::json& object, std::string_view where, const char* name)
{
  const auto* value = member(object, {name});
  if (value == nullptr) {
    return false;
  }
  if (!value->is_boolean()) {
    fail(where, name, fmt::format("expected true or false, got {}", value->dump()));
  }
  return value->get<bool>();
}

// Numbers may arrive as JSON numbers or, from log scrapers, as numeric text.
std::optional<double> number_field(const nlohmann::json& object, std::string_view where, const char* name)
{
  const auto* value = member(object, {name});
  if (value == nullptr) {
    return std::nullopt;
  }
  if (value->is_number()) {
    return value->get<double>();
  }
  if (value->is_string()) {
    if (auto parsed = parse_double(trim(value->get_ref<const std::string&>()))) {
      return parsed;
    }
  }
  fail(where, name, fmt::format("expected a number, got {}", value->dump()));
}

std::optional<long long> count_field(const nlohmann::json& object, std::string_view where, const char* name)
{
  auto number = number_field(object, where, name);
  if (!number) {
    return std::nullopt;
  }
  if (*number < 0 || std::floor(*number) != *number || *number > 1e9) {
    fail(where, name, fmt::format("expected a whole number of at least 0, got {}", *number));
  }
  return static_cast<long long>(*number);
}

// What nlohmann's parser throws out_of_range for (1e999: error 406).
constexpr const char* k_number_out_of_range = "a number is beyond the range of a double (about ±1.8e308)";

// The short reason of a nlohmann parse error, without its code and position.
std::string json_problem(const nlohmann::json::parse_error& e)
{
  std::string what = e.what();
  for (const char* marker : {"syntax error while parsing ", "syntax error ", "parse error: "}) {
    if (auto pos = what.find(marker); pos != std::string::npos) {
      return what.substr(pos);
    }
  }
  return what;
}

} // namespace

bool valid_model_ref(std::string_view ref)
{
  auto at = ref.find('@');
  auto valid_part = [](std::string_view part) {
    return !part.empty() && part.find("..") == std::string_view::npos &&
           std::all_of(part.begin(), part.end(), [](char c) {
             return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-';
           });
  };
  if (at == std::string_view::npos) {
    return valid_part(ref);
  }
  return valid_part(ref.substr(0, at)) && valid_part(ref.substr(at + 1));
}

std::optional<GuardTripEvent> event_from_json(const nlohmann::json& object, std::string_view where)
{
  if (!object.is_object()) {
    throw Error(ErrorKind::data, fmt::format("{}: expected a JSON object (one GuardTrip event)", where));
  }
  if (const auto* type = member(object, {"type"}); type != nullptr) {
    if (!type->is_string()) {
      fail(where, "type", "expected text");
    }
    if (type->get_ref<const std::string&>() != "GuardTrip") {
      return std::nullopt;
    }
  }
  GuardTripEvent event;
  event.risk_score = number_field(object, where, "risk_score");
  if (!event.risk_score) {
    fail(where, "risk_score", "is required");
  }
  event.heartbeat_misses = count_field(object, where, "heartbeat_misses");
  event.tenant = text_field(object, where, "tenant_id", {"tenant_id", "tenant"});
  event.capsule = text_field(object, where, "capsule_hash", {"capsule_hash", "capsule"});
  event.model = text_field(object, where, "model", {"model"});
  if (auto time = text_field(object, where, "time", {"time", "timestamp"}); !time.empty()) {
    event.time = parse_rfc3339(time);
    if (!event.time) {
      fail(where, "time", fmt::format("expected an RFC 3339 time, got \"{}\"", time));
    }
  }
  event.maintenance = bool_field(object, where, "maintenance");
  event.recent_deploy = bool_field(object, where, "recent_deploy");
  event.capsules_affected = count_field(object, where, "capsules_affected").value_or(1);
  check_inputs(event, where);
  return event;
}

GuardTripEvent parse_event_document(std::string_view text, std::string_view source)
{
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    auto end = std::min<std::size_t>(e.byte == 0 ? 0 : e.byte - 1, text.size());
    auto line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(end), '\n');
    throw Error(ErrorKind::data, fmt::format("{}:{}: not valid JSON: {}", source, line, json_problem(e)));
  } catch (const nlohmann::json::out_of_range&) {
    throw Error(ErrorKind::data, fmt::format("{}: {}", source, k_number_out_of_range));
  }
  auto event = event_from_json(document, source);
  if (!event) {
    fail(source, "type", fmt::format("expected \"GuardTrip\", got {}", document["type"].dump()));
  }
  return *event;
}

std::optional<GuardTripEvent> parse_event_line(std::string_view text, std::string_view source, std::size_t line)
{
  std::string where = fmt::format("{}:{}", source, line);
  nlohmann::json object;
  try {
    object = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(ErrorKind::data, fmt::format("{}: not valid JSON: {}", where, json_problem(e)));
  } catch (const nlohmann::json::out_of_range&) {
    throw Error(ErrorKind::data, fmt::format("{}: {}", where, k_number_out_of_range));
  }
  return event_from_json(object, where);
}

void check_inputs(const GuardTripEvent& event, std::string_view where)
{
  if (event.risk_score && !(*event.risk_score >= 0.0 && *event.risk_score <= 1.0)) {
    fail(where, "risk_score", fmt::format("expected a number between 0 and 1, got {}", *event.risk_score));
  }
  if (event.heartbeat_misses && *event.heartbeat_misses < 0) {
    fail(where, "heartbeat_misses", fmt::format("expected at least 0, got {}", *event.heartbeat_misses));
  }
  if (!event.model.empty() && !valid_model_ref(event.model)) {
    fail(where, "model",
         fmt::format("expected MODEL or MODEL@VERSION (letters, digits, . _ -), got \"{}\"", event.model));
  }
  if (event.capsules_affected < 1) {
    fail(where, "capsules_affected", fmt::format("expected at least 1, got {}", event.capsules_affected));
  }
}

nlohmann::json to_json(const GuardTripEvent& event)
{
  nlohmann::json out = {
      {"risk_score", event.risk_score ? nlohmann::json(*event.risk_score) : nlohmann::json()},
      {"heartbeat_misses", event.heartbeat_misses ? nlohmann::json(*event.heartbeat_misses) : nlohmann::json()},
      {"tenant_id", event.tenant},
      {"capsule_hash", event.capsule},
      {"model", event.model},
      {"maintenance", event.maintenance},
      {"recent_deploy", event.recent_deploy},
      {"capsules_affected", event.capsules_affected}};
  out["time"] = event.time ? nlohmann::json(format_rfc3339(*event.time)) : nlohmann::json();
  return out;
}

} // namespace credguard::triage
