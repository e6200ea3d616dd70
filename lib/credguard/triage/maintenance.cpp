#include <credguard/core/strings.hpp>
#include <credguard/core/time_format.hpp>
#include <credguard/triage/maintenance.hpp>

#include <fmt/format.h>

namespace credguard::triage {

namespace {

std::optional<std::string> text(const nlohmann::json& data, const char* key)
{
  auto it = data.find(key);
  if (it == data.end() || !it->is_string()) {
    return std::nullopt;
  }
  return std::string(trim(it->get<std::string>()));
}

} // namespace

MaintenanceWindow maintenance_from(const nlohmann::json& data, SystemTime now, const std::string& where)
{
  if (!data.is_object()) {
    return {false, fmt::format("{} has no data: no window", where)};
  }
  auto unknown = [&](const char* key, const std::string& value, const char* expected) {
    return MaintenanceWindow{
        std::nullopt, fmt::format("{}: {}: expected {}, got \"{}\": window unknown", where, key, expected, value)};
  };
  std::optional<bool> flag;
  if (auto value = text(data, "active")) {
    auto lower = to_lower(*value);
    if (lower == "true" || lower == "yes" || lower == "1") {
      flag = true;
    } else if (lower == "false" || lower == "no" || lower == "0") {
      flag = false;
    } else {
      return unknown("active", *value, "true or false");
    }
  }
  std::optional<SystemTime> from;
  std::optional<SystemTime> until;
  for (auto [key, slot] : {std::pair{"from", &from}, {"until", &until}}) {
    if (auto value = text(data, key); value && !value->empty()) {
      *slot = parse_rfc3339(*value);
      if (!*slot) {
        return unknown(key, *value, "an RFC 3339 time");
      }
    }
  }
  std::string reason = text(data, "reason").value_or("");
  std::string why = reason.empty() ? "" : fmt::format(" ({})", reason);
  if (flag == false || (!flag && !until)) {
    return {false, fmt::format("{}: no window declared", where)};
  }
  if (from && now < *from) {
    return {false, fmt::format("{}: window starts at {}, not yet", where, format_rfc3339_seconds(*from))};
  }
  if (until && now >= *until) {
    return {false, fmt::format("{}: window ended at {}", where, format_rfc3339_seconds(*until))};
  }
  return {true, fmt::format("{}: window active{}{}", where,
                            until ? " until " + format_rfc3339_seconds(*until) : std::string(), why)};
}

} // namespace credguard::triage
