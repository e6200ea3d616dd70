#include "cmd/checklist/history.hpp"

#include <credguard/core/error.hpp>
#include <credguard/core/time_format.hpp>

#include <fmt/format.h>

namespace credguard::cli {

namespace {

// Enough runs to find one a week old among several runs a day.
constexpr std::size_t k_runs = 30;

} // namespace

std::set<std::string> checks_with_history(const checks::Runbook& runbook, const checks::KindRegistry& kinds,
                                          const checks::RunOptions& options)
{
  std::set<std::string> ids;
  for (const auto& def : runbook.checks) {
    const checks::CheckKind* kind = kinds.find(def.kind);
    if (kind != nullptr && checks::selected(def, options) && kind->wants_history(def)) {
      ids.insert(def.id);
    }
  }
  return ids;
}

std::map<std::string, std::vector<checks::PastResult>, std::less<>>
load_history(Context& ctx, const std::string& checklist, const std::set<std::string>& ids)
{
  std::map<std::string, std::vector<checks::PastResult>, std::less<>> history;
  if (ids.empty()) {
    return history;
  }
  std::vector<journal::Entry> entries;
  try {
    journal::Filter filter;
    filter.action_prefix = "checklist." + checklist;
    filter.limit = k_runs;
    entries = ctx.journal(journal::Journal::Mode::read_only).list(filter);
  } catch (const Error& e) {
    ctx.log().debug(fmt::format("no earlier {} runs to compare with: {}", checklist, e.what()));
    return history;
  }
  for (auto entry = entries.rbegin(); entry != entries.rend(); ++entry) {
    auto at = parse_rfc3339(entry->time);
    const auto& evidence = entry->what.evidence;
    if (entry->what.action != "checklist." + checklist || !at || !evidence.contains("data") ||
        !evidence["data"].is_object()) {
      continue;
    }
    for (const auto& id : ids) {
      if (evidence["data"].contains(id)) {
        history[id].push_back(checks::PastResult{*at, evidence["data"][id]});
      }
    }
  }
  return history;
}

nlohmann::json history_evidence(const checks::ChecklistReport& report, const std::set<std::string>& ids)
{
  nlohmann::json data = nlohmann::json::object();
  for (const auto& result : report.results) {
    if (ids.count(result.id) > 0 && !result.data.empty()) {
      data[result.id] = result.data;
    }
  }
  return data;
}

} // namespace credguard::cli
