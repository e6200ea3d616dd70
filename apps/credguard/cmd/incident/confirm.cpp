#include "cmd/incident/confirm.hpp"

#include "cmd/incident/plan_output.hpp"

#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>

namespace credguard::cli {

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
  auto report = runner.run(plan, progress_options(ctx, plan, &interrupt.flag()));
  return {std::move(report), 0, runner.history(plan)};
}

} // namespace credguard::cli
