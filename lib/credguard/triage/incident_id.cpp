#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/core/time_format.hpp>
#include <credguard/triage/incident_id.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace credguard::triage {

bool valid_incident_id(std::string_view id)
{
  auto word = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
  return !id.empty() && id.size() <= 100 && word(id.front()) && std::all_of(id.begin(), id.end(), [&](char c) {
    return word(c) || c == '.' || c == '_' || c == ':' || c == '-';
  });
}

void validate_incident_id(std::string_view id, std::string_view flag)
{
  if (!valid_incident_id(id)) {
    throw Error(ErrorKind::usage, fmt::format("{} \"{}\" is not a valid incident ID", flag, id),
                "1-100 letters, digits, '.', '_', ':' and '-', starting with a letter or digit, e.g. INC-20261123-001");
  }
}

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
