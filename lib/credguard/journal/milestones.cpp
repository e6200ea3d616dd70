#include <credguard/journal/milestones.hpp>
#include <credguard/journal/names.hpp>

namespace credguard::journal {

namespace {

bool blocking_command(const std::string& action)
{
  for (auto command : {command::revoke, command::quarantine, command::purge_cache}) {
    if (action.starts_with(command) && action.size() > command.size() && action[command.size()] == '.' &&
        action.find('.', command.size() + 1) == std::string::npos) {
      return true;
    }
  }
  return false;
}

// A denylist step reaches its state only when a denylist holds the entry
// (not configured is `skipped`).
bool wrote_denylist(const Entry&)
{
  return true;
}

bool cut_alias(const Entry& entry)
{
  const auto& evidence = entry.what.evidence;
  if (!evidence.is_object() || !evidence.contains("old") || !evidence["old"].is_string()) {
    return false;
  }
  // The target is MODEL@VERSION: the alias left that version.
  const auto& target = entry.what.target;
  auto at = target.rfind('@');
  return at != std::string::npos && evidence["old"].get<std::string>() == target.substr(at + 1) &&
         evidence.value("new", nlohmann::json()) != evidence["old"];
}

bool proved_blocked(const Entry& entry)
{
  const auto& evidence = entry.what.evidence;
  return evidence.is_object() && evidence.value("verdict", "") == "blocked";
}

} // namespace

std::optional<TrafficBlock> traffic_blocked(const std::vector<Entry>& entries)
{
  struct Rule {
    std::string_view step;
    bool (*matches)(const Entry&);
    const char* by;
  };
  const Rule rules[] = {
      {step::denylist, wrote_denylist, "denylist"},
      {step::alias, cut_alias, "alias"},
      {step::proof, proved_blocked, "proof"},
  };
  for (const auto& rule : rules) {
    for (const auto& entry : entries) {
      if (reached(entry.what.outcome) && is_step(entry.what.action, rule.step) && blocking_command(entry.what.action) &&
          rule.matches(entry)) {
        return TrafficBlock{rule.by, entry.what.action, entry.seq, entry.time};
      }
    }
  }
  return std::nullopt;
}

} // namespace credguard::journal
