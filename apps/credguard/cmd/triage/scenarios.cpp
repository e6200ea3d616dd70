#include "cmd/triage/triage.hpp"

#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/core/table.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace credguard::cli {

namespace {

int list(Context& ctx, OutputFormat format, const std::vector<triage::Scenario>& scenarios)
{
  if (format == OutputFormat::json) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& s : scenarios) {
      items.push_back({{"name", s.name},
                       {"title", s.title},
                       {"severity", triage::info(s.severity).level},
                       {"summary", s.summary},
                       {"signals", s.signals}});
    }
    ctx.out() << nlohmann::json{{"schema_version", 1}, {"scenarios", items}}.dump(2) << '\n';
    return 0;
  }
  Table table({"NAME", "SEVERITY", "TITLE", "SIGNALS"});
  for (const auto& s : scenarios) {
    table.add_row({s.name, std::string(triage::info(s.severity).level), s.title, join(s.signals, ",")});
  }
  table.render(ctx.out(), ctx.color());
  return 0;
}

int show(Context& ctx, OutputFormat format, const triage::Scenario& s)
{
  if (format == OutputFormat::json) {
    auto json = triage::to_json(s);
    json["schema_version"] = 1;
    ctx.out() << json.dump(2) << '\n';
    return 0;
  }
  const auto& severity = triage::info(s.severity);
  auto& out = ctx.out();
  out << colorize(fmt::format("{} ({})", s.title, s.name), Color::bold, ctx.color()) << '\n'
      << s.summary << '\n'
      << fmt::format("Usual severity: {} {}, respond within {}, escalate to {}\n\n", severity.level, severity.name,
                     severity.response_time, severity.escalation)
      << "Trigger: " << s.trigger << "\n\nExpected:\n";
  for (const auto& item : s.expected) {
    out << "  - " << item << '\n';
  }
  out << "\nSignals: " << join(s.signals, ", ") << '\n';
  for (const auto& [phase, steps] : triage::phases(s)) {
    out << '\n' << colorize(to_upper(phase), Color::bold, ctx.color()) << '\n';
    int n = 0;
    for (const auto& step : *steps) {
      out << fmt::format("  {}. {}\n", ++n, step.text);
      if (!step.command.empty()) {
        out << fmt::format("     $ {}\n", step.command);
      }
    }
  }
  return 0;
}

int rank(Context& ctx, OutputFormat format, const std::vector<triage::Scenario>& scenarios,
         const std::vector<std::string>& signals)
{
  auto known = triage::known_signals(scenarios);
  for (const auto& signal : signals) {
    if (std::find(known.begin(), known.end(), signal) == known.end()) {
      throw Error(ErrorKind::usage, fmt::format("--signals: no scenario knows the signal \"{}\"", signal),
                  "known signals: " + join(known, ", "));
    }
  }
  auto matches = triage::rank_scenarios(scenarios, signals);
  if (format == OutputFormat::json) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& m : matches) {
      items.push_back({{"name", m.scenario->name},
                       {"title", m.scenario->title},
                       {"matched", m.matched},
                       {"signals", m.scenario->signals.size()}});
    }
    ctx.out() << nlohmann::json{{"schema_version", 1}, {"signals", signals}, {"matches", items}}.dump(2) << '\n';
    return 0;
  }
  Table table({"RANK", "SCENARIO", "MATCHED", "SIGNALS MATCHED", "TITLE"});
  int n = 0;
  for (const auto& m : matches) {
    table.add_row({std::to_string(++n), m.scenario->name,
                   fmt::format("{}/{}", m.matched.size(), m.scenario->signals.size()), join(m.matched, ","),
                   m.scenario->title});
  }
  table.render(ctx.out(), ctx.color());
  ctx.out() << fmt::format("\nPlaybook: credguard triage --scenario {}\n", matches.front().scenario->name);
  return 0;
}

} // namespace

int run_triage_scenarios(const TriageOptions& options, Context& ctx)
{
  auto format = ctx.output_format({OutputFormat::table, OutputFormat::json});
  auto scenarios = triage::load_scenarios(ctx.config().get_string("triage.scenario_dir").value_or(""));
  if (options.list_scenarios) {
    return list(ctx, format, scenarios);
  }
  if (!options.scenario.empty()) {
    const auto* scenario = triage::find_scenario(scenarios, options.scenario);
    if (scenario == nullptr) {
      std::vector<std::string> names;
      for (const auto& s : scenarios) {
        names.push_back(s.name);
      }
      throw Error(ErrorKind::usage, fmt::format("--scenario {}: no such scenario", options.scenario),
                  "known scenarios: " + join(names, ", "));
    }
    return show(ctx, format, *scenario);
  }
  return rank(ctx, format, scenarios, options.signals);
}

} // namespace credguard::cli
