#include "cmd/commands.hpp"

#include <credguard/core/terminal.hpp>

#include <fmt/format.h>

namespace credguard::cli {

int run_journal_verify(const JournalVerifyOptions&, Context& ctx)
{
  auto format = ctx.output_format({OutputFormat::table, OutputFormat::json});
  auto& journal = ctx.journal(journal::Journal::Mode::read_only);
  auto result = journal.verify();
  if (format == OutputFormat::json) {
    nlohmann::json json = {{"schema_version", 1},
                           {"journal", journal.path().string()},
                           {"ok", result.ok},
                           {"entries", result.entries},
                           {"head_hash", result.head_hash}};
    json["first_bad_seq"] = result.first_bad_seq ? nlohmann::json(*result.first_bad_seq) : nlohmann::json(nullptr);
    json["problem"] = result.problem;
    json["warnings"] = result.warnings;
    ctx.out() << json.dump(2) << '\n';
  } else if (result.ok) {
    ctx.out() << fmt::format("{} {}: {} entries, chain intact, head {}\n", colorize("OK", Color::green, ctx.color()),
                             journal.path().string(), result.entries,
                             result.head_hash.empty() ? "(empty)" : result.head_hash);
    for (const auto& warning : result.warnings) {
      ctx.out() << fmt::format("{} {}\n", colorize("WARNING", Color::yellow, ctx.color()), warning);
    }
  } else {
    std::string where = result.first_bad_seq ? fmt::format(" at entry {}", *result.first_bad_seq) : "";
    ctx.out() << fmt::format("{} {}: chain broken{}: {}\n", colorize("BROKEN", Color::red, ctx.color()),
                             journal.path().string(), where, result.problem);
  }
  if (!result.ok) {
    return to_int(ExitCode::critical);
  }
  return to_int(result.warnings.empty() ? ExitCode::ok : ExitCode::warning);
}

void add_journal_verify(CLI::App& parent, Context& ctx, RunFn<JournalVerifyOptions> run)
{
  auto options = std::make_shared<JournalVerifyOptions>();
  auto* cmd = parent.add_subcommand("verify",
                                    "Recompute the hash chain; exit 2 naming the first bad entry, 1 when it restarted");
  on_parsed(*cmd, ctx, options, std::move(run));
}

} // namespace credguard::cli
