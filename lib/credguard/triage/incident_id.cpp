#include <credguard/core/strings.hpp>
#include <credguard/core/time_format.hpp>
#include <credguard/triage/incident_id.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace credguard::triage {

std::string incident_prefix(SystemTime now)
{
  std::string date = format_rfc3339_seconds(now).substr(0, 10); // YYYY-MM-DD
  date.erase(std::remove(date.begin(), date.end(), '-'), date.end());
  return "INC-" + date + "-";
}

std::string next_incident_id(SystemTime now, const std::vector<std::string>& existing)
{
  std::string prefix = incident_prefix(now);
  long long highest = 0;
  for (const auto& id : existing) {
    if (!id.starts_with(prefix)) {
      continue;
    }
    auto digits = std::string_view(id).substr(prefix.size());
    bool numeric =
        digits.size() >= 3 && std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (numeric) {
      if (auto n = parse_int(digits)) {
        highest = std::max(highest, *n);
      }
    }
  }
  return fmt::format("{}{:03}", prefix, highest + 1);
}

} // namespace credguard::triage
