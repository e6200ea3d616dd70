#include "cmd/incident/common.hpp"

#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/core/table.hpp>
#include <credguard/core/time_format.hpp>
#include <credguard/registry/mlflow_client.hpp>

#include <fmt/format.h>

#include <csignal>

namespace credguard::cli {

namespace {

// Signal handlers can only reach static storage.
std::atomic<bool> g_interrupted{false};

extern "C" void on_interrupt(int signal)
{
  g_interrupted.store(true);
  std::signal(signal, SIG_DFL); // a second Ctrl-C ends the process
}

Color color_of(incident::Outcome outcome, bool ran)
{
  if (!ran) {
    return Color::grey;
  }
  switch (outcome) {
  case incident::Outcome::ok: return Color::green;
  case incident::Outcome::failed: return Color::red;
  case incident::Outcome::skipped: return Color::grey;
  }
  return Color::none;
}

std::string result_word(const incident::StepReport& step)
{
  if (step.resumed) {
    return "done";
  }
  if (!step.ran) {
    return "not run";
  }
  return std::string(incident::to_string(step.outcome));
}

} // namespace

void validate_incident_id(const std::string& id, const std::string& flag)
{
  bool ok = !id.empty() && id.size() <= 100 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == ':' || c == '-';
  });
  if (!ok) {
    throw Error(ErrorKind::usage, fmt::format("{} \"{}\" is not a valid incident ID", flag, id),
                "use letters, digits, '.', '_', ':' and '-', e.g. INC-20261123-001");
  }
}

bool confirm(Context& ctx, bool yes, const std::string& question)
{
  if (yes) {
    return true;
  }
  if (!ctx.io().in_is_tty) {
    throw Error(ErrorKind::usage, "this command changes production and needs confirmation: nothing was changed",
                "run it on a terminal to confirm, or pass --yes");
  }
  ctx.err() << question << " [y/N] " << std::flush;
  std::string answer;
  std::getline(ctx.in(), answer);
  answer = to_lower(trim(answer));
  return answer == "y" || answer == "yes";
}

InterruptScope::InterruptScope()
{
  g_interrupted.store(false);
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
}

InterruptScope::~InterruptScope()
{
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

const std::atomic<bool>& InterruptScope::flag() const
{
  return g_interrupted;
}

std::unique_ptr<registry::ModelRegistry> make_registry(Context& ctx)
{
  auto options = registry::mlflow_options(ctx.config(), ctx.env(), ctx.redactor());
  if (!options) {
    throw Error(ErrorKind::config, "no model registry configured: registry.url is not set",
                "set registry.url (or CREDGUARD_REGISTRY_URL, or MLFLOW_TRACKING_URI) to the MLflow server");
  }
  return std::make_unique<registry::MlflowClient>(std::move(*options), ctx.http());
}

void print_plan(Context& ctx, const incident::Plan& plan)
{
  ctx.out() << fmt::format("Plan: {} {}{}\n", plan.command, plan.target,
                           plan.incident.empty() ? "" : " under " + plan.incident);
  for (std::size_t i = 0; i < plan.steps.size(); ++i) {
    ctx.out() << fmt::format("  {}. {}\n", i + 1, plan.steps[i].description);
  }
  ctx.out() << fmt::format("  {}. journal a summary of every step\n", plan.steps.size() + 1);
}

nlohmann::json plan_json(const incident::Plan& plan)
{
  nlohmann::json steps = nlohmann::json::array();
  for (const auto& step : plan.steps) {
    steps.push_back({{"step", step.name}, {"description", step.description}});
  }
  return steps;
}

incident::RunOptions progress_options(Context& ctx, const incident::Plan& plan, const std::atomic<bool>* interrupted)
{
  incident::RunOptions options;
  options.interrupted = interrupted;
  std::size_t total = plan.steps.size();
  if (!ctx.progress()) {
    return options;
  }
  options.on_start = [&ctx, total](const incident::Step& step, std::size_t index) {
    ctx.err() << fmt::format("[{}/{}] {}: {}\n", index + 1, total, step.name, step.description) << std::flush;
  };
  options.on_done = [&ctx, total](const incident::StepReport& step, std::size_t index) {
    ctx.err() << fmt::format("[{}/{}] {}: {} ({}) {}\n", index + 1, total, step.name, result_word(step),
                             format_duration(step.duration), step.summary)
              << std::flush;
  };
  return options;
}

void print_report(Context& ctx, const incident::PlanReport& report)
{
  bool color = ctx.color();
  Table table({"STEP", "RESULT", "DURATION", "DETAIL"});
  for (const auto& step : report.steps) {
    table.add_row({step.name, Cell(result_word(step), color_of(step.outcome, step.ran || step.resumed)),
                   format_duration(step.duration), step.summary});
  }
  table.render(ctx.out(), color);
}

nlohmann::json report_json(const incident::PlanReport& report)
{
  nlohmann::json steps = nlohmann::json::array();
  for (const auto& step : report.steps) {
    steps.push_back({{"step", step.name},
                     {"outcome", step.resumed || step.ran ? std::string(incident::to_string(step.outcome)) : "not_run"},
                     {"resumed", step.resumed},
                     {"summary", step.summary},
                     {"duration_ms", step.duration.count()},
                     {"evidence", step.evidence}});
  }
  return steps;
}

void print_purge_table(Context& ctx, const nlohmann::json& evidence, const std::string& actor)
{
  if (!evidence.is_object() || !evidence.contains("endpoints") || evidence["endpoints"].empty()) {
    return;
  }
  Table table({"LAYER", "ENDPOINT", "RESULT", "STATUS", "TIME", "AT", "BY", "DETAIL"});
  for (const auto& item : evidence["endpoints"]) {
    bool ok = item.value("ok", false);
    table.add_row({item.value("layer", "-"), item.value("id", "-"),
                   Cell(ok ? "purged" : "FAILED", ok ? Color::green : Color::red),
                   item.contains("status") ? std::to_string(item.value("status", 0L)) : "-",
                   item.contains("ms") ? fmt::format("{}ms", item.value("ms", 0LL)) : "-", item.value("at", "-"), actor,
                   item.value("detail", "")});
  }
  ctx.out() << '\n';
  table.render(ctx.out(), ctx.color());
}

ConfirmedRun run_confirmed(Context& ctx, const incident::Plan& plan, OutputFormat format, bool dry_run, bool yes,
                           const std::string& question, const nlohmann::json& document)
{
  if (dry_run) {
    if (format == OutputFormat::json) {
      ctx.out() << document.dump(2) << '\n';
    }
    return {};
  }
  if (!confirm(ctx, yes, question)) {
    ctx.err() << "credguard: not confirmed: nothing was changed\n";
    return {std::nullopt, 1};
  }
  auto& journal = ctx.journal(journal::Journal::Mode::read_write);
  InterruptScope interrupt;
  incident::PlanRunner runner(journal, ctx.clock(), ctx.command_line());
  return {runner.run(plan, progress_options(ctx, plan, &interrupt.flag())), 0};
}

} // namespace credguard::cli
