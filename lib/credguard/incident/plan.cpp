#include <credguard/core/error.hpp>
#include <credguard/core/time_format.hpp>
#include <credguard/incident/plan.hpp>

#include <fmt/format.h>

namespace credguard::incident {

namespace {

using nlohmann::json;

std::string action_of(const Plan& plan, const std::string& step)
{
  return plan.command + "." + step;
}

} // namespace

std::string_view to_string(Outcome outcome)
{
  switch (outcome) {
  case Outcome::ok: return "ok";
  case Outcome::failed: return "failed";
  case Outcome::skipped: return "skipped";
  }
  return "failed";
}

json StepContext::last_evidence() const
{
  for (auto it = history.rbegin(); it != history.rend(); ++it) {
    if (it->what.outcome == "ok" || it->what.outcome == "failed") {
      return it->what.evidence;
    }
  }
  return json();
}

bool PlanReport::any_failed() const
{
  return std::any_of(steps.begin(), steps.end(), [](const StepReport& s) { return s.outcome == Outcome::failed; });
}

int PlanReport::exit_code() const
{
  if (interrupted) {
    return 130;
  }
  return any_failed() || stopped ? 2 : 0;
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
    if (entry.what.target == plan.target) {
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
  report.t0 = report.started_at;
  for (const auto& entry : earlier) {
    if (entry.what.outcome == "started") {
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
    for (const auto& entry : earlier) {
      if (entry.what.action == action_of(plan, step.name)) {
        context.history.push_back(entry);
      }
    }
    auto already = std::find_if(context.history.begin(), context.history.end(),
                                [](const journal::Entry& e) { return e.what.outcome == "ok"; });
    if (options.on_start) {
      options.on_start(step, index);
    }
    auto step_start = m_clock.steady_now();
    if (already != context.history.end()) {
      done.resumed = true;
      done.outcome = Outcome::ok;
      done.summary = fmt::format("already done (journal entry {}, {})", already->seq, already->time);
      done.evidence = already->what.evidence;
      append(plan, step.name, "skipped", json{{"resumed", true}, {"done_seq", already->seq}});
    } else {
      try {
        append(plan, step.name, "started",
               json{{"step", index + 1}, {"of", plan.steps.size()}, {"intent", step.intent}});
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
      done.ran = true;
      done.outcome = result.outcome;
      done.summary = result.summary;
      done.evidence = result.evidence;
      done.duration = elapsed_since(m_clock, step_start);
      json evidence = result.evidence.is_object() ? result.evidence : json{{"result", result.evidence}};
      evidence["duration_ms"] = done.duration.count();
      evidence["summary"] = result.summary;
      try {
        append(plan, step.name, std::string(to_string(result.outcome)), evidence);
      } catch (const Error& e) {
        throw Error(ErrorKind::io, fmt::format("{} ran ({}) but the journal could not record it: {}",
                                               action_of(plan, step.name), to_string(result.outcome), e.what()));
      }
      if (result.outcome == Outcome::failed && step.stop_on_failure) {
        report.stopped = true;
      }
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
                     {"outcome", step.ran || step.resumed ? std::string(to_string(step.outcome)) : "not_run"},
                     {"resumed", step.resumed},
                     {"ms", step.duration.count()}});
  }
  try {
    append(plan, "summary", report.exit_code() == 0 ? "ok" : "failed",
           json{{"steps", steps},
                {"interrupted", report.interrupted},
                {"exit_code", report.exit_code()},
                {"t0", format_rfc3339(report.t0)},
                {"duration_ms", report.duration.count()}});
  } catch (const Error& e) {
    throw Error(ErrorKind::io, fmt::format("{}: every step ran but the summary could not be journaled: {}",
                                           action_of(plan, "summary"), e.what()));
  }
  return report;
}

} // namespace credguard::incident
