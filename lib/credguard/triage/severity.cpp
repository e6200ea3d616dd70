#include <credguard/core/strings.hpp>
#include <credguard/triage/severity.hpp>

#include <array>

namespace credguard::triage {

const SeverityInfo& info(Severity severity)
{
  static const std::array<SeverityInfo, 4> k_levels = {{
      {"P1", "critical", "platform down", "15 minutes", "CTO immediately"},
      {"P2", "high", "main functionality unavailable", "1 hour", "Tech Lead"},
      {"P3", "medium", "performance degraded", "4 hours", "development team"},
      {"P4", "low", "minor problem", "24 hours", "backlog"},
  }};
  return k_levels.at(static_cast<std::size_t>(severity));
}

std::optional<Severity> parse_severity(std::string_view text)
{
  for (auto severity : {Severity::p1, Severity::p2, Severity::p3, Severity::p4}) {
    if (iequals(text, info(severity).level)) {
      return severity;
    }
  }
  return std::nullopt;
}

nlohmann::json to_json(Severity severity)
{
  const auto& i = info(severity);
  return {{"level", i.level},
          {"name", i.name},
          {"description", i.description},
          {"response_time", i.response_time},
          {"escalation", i.escalation}};
}

} // namespace credguard::triage
