#include "cmd/triage/triage.hpp"

#include <credguard/core/strings.hpp>
#include <credguard/core/table.hpp>

#include <fmt/format.h>

namespace credguard::cli {

namespace {

Color color_of(triage::Decision d)
{
  switch (d) {
  case triage::Decision::false_positive: return Color::green;
  case triage::Decision::monitor:
  case triage::Decision::investigate: return Color::yellow;
  case triage::Decision::legitimate: return Color::red;
  }
  return Color::none;
}

std::string misses_text(const triage::GuardTripEvent& e)
{
  return e.heartbeat_misses ? std::to_string(*e.heartbeat_misses) : "?";
}

} // namespace

void render_verdict(Context& ctx, OutputFormat format, const triage::Verdict& v, const std::string& incident,
                    bool journaled)
{
  auto steps = triage::next_steps(v, incident);
  if (format == OutputFormat::json) {
    auto json = triage::to_json(v);
    json["schema_version"] = 1;
    json["incident"] = incident;
    json["journaled"] = journaled;
    json["next"] = triage::to_json(steps);
    ctx.out() << json.dump(2) << '\n';
    return;
  }
  const auto& severity = triage::info(v.severity);
  auto& out = ctx.out();
  out << colorize(fmt::format("{}: {}", to_upper(triage::title(v.decision)), v.action), color_of(v.decision),
                  ctx.color())
      << '\n';
  out << fmt::format("incident   {}{}\n", incident, journaled ? "" : " (not journaled)");
  out << fmt::format("severity   {} {} ({}): respond within {}, escalate to {}\n", severity.level, severity.name,
                     severity.description, severity.response_time, severity.escalation);
  out << fmt::format("risk band  {} ({}), false-positive likelihood {}\n", v.risk_band, v.band_action, v.fp_likelihood);
  out << fmt::format("heartbeat  {}\n\n", v.event.heartbeat_misses ? fmt::format("{} ({} misses)", v.heartbeat_band,
                                                                                 *v.event.heartbeat_misses)
                                                                   : std::string("unknown (not given)"));
  Table path({"#", "CHECK", "VALUE", "BRANCH"});
  int n = 0;
  for (const auto& step : v.path) {
    path.add_row({std::to_string(++n), step.check, step.value, step.result});
  }
  path.render(out, ctx.color());
  out << "\nNext:\n";
  for (const auto& step : steps) {
    out << fmt::format("  {}\n    $ {}{}\n", step.when, step.run, step.complete ? "" : "   # fill in the placeholders");
  }
}

void render_batch(Context& ctx, OutputFormat format, const triage::BatchResult& result, const std::string& incident,
                  bool journaled)
{
  auto summary = triage::summary_json(result);
  if (format == OutputFormat::json) {
    nlohmann::json events = nlohmann::json::array();
    for (const auto& item : result.items) {
      auto json = triage::to_json(item.verdict);
      json["line"] = item.line;
      events.push_back(std::move(json));
    }
    ctx.out() << nlohmann::json{{"schema_version", 1},
                                {"incident", incident},
                                {"journaled", journaled},
                                {"summary", summary},
                                {"events", events}}
                     .dump(2)
              << '\n';
    return;
  }
  Table table({"LINE", "DECISION", "SEVERITY", "RISK", "MISSES", "CAPSULE", "TENANT", "MODEL"});
  for (const auto& item : result.items) {
    const auto& v = item.verdict;
    if (v.decision == triage::Decision::false_positive) {
      continue;
    }
    table.add_row({std::to_string(item.line), Cell(std::string(triage::to_string(v.decision)), color_of(v.decision)),
                   std::string(triage::info(v.severity).level), fmt::format("{}", v.event.risk_score.value_or(0)),
                   misses_text(v.event), v.event.capsule, v.event.tenant, v.event.model});
  }
  if (table.size() > 0) {
    table.render(ctx.out(), ctx.color());
  }
  ctx.out() << fmt::format("{} events: {} legitimate, {} investigate, {} monitor, {} false positive; {} other "
                           "events ignored. Incident {}{}\n",
                           result.items.size(), result.count(triage::Decision::legitimate),
                           result.count(triage::Decision::investigate), result.count(triage::Decision::monitor),
                           result.count(triage::Decision::false_positive), result.ignored, incident,
                           journaled ? "" : " (not journaled)");
}

} // namespace credguard::cli
