#include <credguard/core/error.hpp>
#include <credguard/core/exit_code.hpp>
#include <credguard/core/time_format.hpp>
#include <credguard/incident/plan.hpp>
#include <credguard/journal/names.hpp>

#include <fmt/format.h>

namespace credguard::incident {

namespace {

using nlohmann::json;

std::string action_of(const Plan& plan, const std::string& step)
{
  return journal::action(plan.command, step);
}

} // namespace

std::string_view to_string(Outcome outcome)
{
  switch (outcome) {
  case Outcome::ok: return journal::outcome::ok;
  case Outcome::repaired: return journal::outcome::repaired;
  case Outcome::failed: return journal::outcome::failed;
  case Outcome::skipped: return journal::outcome::skipped;
  }
  return journal::outcome::failed;
}

json StepContext::last_evidence() const
{
  for (auto it = history.rbegin(); it != history.rend(); ++it) {
    if (journal::reached(it->what.outcome) || it->what.outcome == journal::outcome::failed) {
      return it->what.evidence;
    }
  }
  return json();
}

const journal::Entry* StepContext::last_reached() const
{
  for (auto it = history.rbegin(); it != history.rend(); ++it) {
    if (journal::reached(it->what.outcome)) {
      return &*it;
    }
  }
  return nullptr;
}

bool PlanReport::any_failed() const
{
  return std::any_of(steps.begin(), steps.end(), [](const StepReport& s) { return s.outcome == Outcome::failed; });
}

int PlanReport::exit_code() const
{
  if (interrupted) {
    return to_int(ExitCode::interrupted);
  }
  return to_int(any_failed() || stopped ? ExitCode::critical : ExitCode::ok);
}

std::vector<const StepReport*> PlanReport::repaired() const
{
  std::vector<const StepReport*> out;
  for (const auto& step : steps) {
    if (step.outcome == Outcome::repaired) {
      out.push_back(&step);
    }
  }
  return out;
}

const StepReport* PlanReport::find(const std::string& name) const
{
  for (const auto& step : steps) {
    if (step.name == name) {
      return &step;
    }
  }
  return nullptr;
}

PlanRunner::PlanRunner(journal::Journal& journal, const Clock& clock, std::string command_line)
  : m_journal(journal)
  , m_clock(clock)
  , m_command_line(std::move(command_line))
{}

std::vector<journal::Entry> PlanRunner::history(const Plan& plan) const
{
  if (plan.incident.empty()) {
    return {};
  }
  journal::Filter filter;
  filter.incident = plan.incident;
  filter.action_prefix = plan.command + ".";
  std::vector<journal::Entry> entries;
  for (auto& entry : m_journal.list(filter)) {
    if (entry.what.target == plan.target && entry.seq > plan.history_after) {
      entries.push_back(std::move(entry));
    }
  }
  return entries;
}

journal::Entry PlanRunner::append(const Plan& plan, const std::string& step, const std::string& outcome, json evidence)
{
  return m_journal.append(journal::EntryDraft{m_command_line, plan.incident, action_of(plan, step), plan.target,
                                              outcome, plan.reason, std::move(evidence)});
}

PlanReport PlanRunner::run(const Plan& plan, const RunOptions& options)
{
  PlanReport report;
  report.started_at = m_clock.now();
  auto run_start = m_clock.steady_now();
  auto earlier = history(plan);
  auto trail = earlier;
  report.t0 = report.started_at;
  for (const auto& entry : earlier) {
    if (entry.what.outcome == journal::outcome::started) {
      report.t0 = parse_rfc3339(entry.time).value_or(report.started_at);
      break;
    }
  }

  for (std::size_t index = 0; index < plan.steps.size(); ++index) {
    const Step& step = plan.steps[index];
    StepReport done{step.name, step.description};
    if (report.interrupted || report.stopped || (options.interrupted != nullptr && options.interrupted->load())) {
      report.interrupted = report.interrupted || (options.interrupted != nullptr && options.interrupted->load());
      done.summary = report.interrupted ? "not run: interrupted" : "not run: an earlier step failed";
      report.steps.push_back(std::move(done));
      continue;
    }
    StepContext context;
    context.t0 = report.t0;
    context.plan_entries = trail;
    for (const auto& entry : earlier) {
      if (entry.what.action == action_of(plan, step.name)) {
        context.history.push_back(entry);
      }
    }
    done.done_before = context.last_reached() != nullptr;
    if (options.on_start) {
      options.on_start(step, index);
    }
    auto step_start = m_clock.steady_now();
    try {
      trail.push_back(append(plan, step.name, std::string(journal::outcome::started),
                             json{{"step", index + 1}, {"of", plan.steps.size()}, {"intent", step.intent}}));
    } catch (const Error& e) {
      throw Error(ErrorKind::io, fmt::format("{}: not acting: {}", action_of(plan, step.name), e.what()),
                  "a command that changes production acts only when its journal can be written");
    }
    StepResult result;
    try {
      result = step.run(context);
    } catch (const Error& e) {
      result = StepResult{Outcome::failed, e.what(), json{{"error", e.what()}, {"kind", to_string(e.kind())}}};
    }
    if (result.outcome == Outcome::ok && result.acted && done.done_before) {
      result.outcome = Outcome::repaired;
      result.summary = "repaired: " + result.summary;
    }
    done.ran = true;
    done.outcome = result.outcome;
    done.summary = result.summary;
    done.evidence = result.evidence;
    done.duration = elapsed_since(m_clock, step_start);
    json evidence = result.evidence.is_object() ? result.evidence : json{{"result", result.evidence}};
    evidence["duration_ms"] = done.duration.count();
    evidence["summary"] = result.summary;
    evidence["acted"] = result.acted;
    try {
      trail.push_back(append(plan, step.name, std::string(to_string(result.outcome)), evidence));
    } catch (const Error& e) {
      throw Error(ErrorKind::io, fmt::format("{} ran ({}) but the journal could not record it: {}",
                                             action_of(plan, step.name), to_string(result.outcome), e.what()));
    }
    if (result.outcome == Outcome::failed && step.stop_on_failure) {
      report.stopped = true;
    }
    done.finished_after = elapsed_since(m_clock, run_start);
    if (options.on_done) {
      options.on_done(done, index);
    }
    report.steps.push_back(std::move(done));
  }
  report.duration = elapsed_since(m_clock, run_start);

  json steps = json::array();
  for (const auto& step : report.steps) {
    steps.push_back({{"step", step.name},
                     {"outcome", step.ran ? std::string(to_string(step.outcome)) : "not_run"},
                     {"done_before", step.done_before},
                     {"ms", step.duration.count()}});
  }
  try {
    append(plan, std::string(journal::step::summary),
           std::string(report.exit_code() == 0 ? journal::outcome::ok : journal::outcome::failed),
           json{{"steps", steps},
                {"interrupted", report.interrupted},
                {"exit_code", report.exit_code()},
                {"t0", format_rfc3339(report.t0)},
                {"duration_ms", report.duration.count()}});
  } catch (const Error& e) {
    throw Error(ErrorKind::io, fmt::format("{}: every step ran but the summary could not be journaled: {}",
                                           action_of(plan, std::string(journal::step::summary)), e.what()));
  }
  return report;
}

} // namespace credguard::incident
