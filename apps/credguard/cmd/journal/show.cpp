#include "cmd/commands.hpp"

#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>

#include <fmt/format.h>

namespace credguard::cli {

int run_journal_show(const JournalShowOptions& options, Context& ctx)
{
  auto format = ctx.output_format({OutputFormat::table, OutputFormat::json});
  auto entry = ctx.journal(journal::Journal::Mode::read_only).get(options.seq);
  if (!entry) {
    throw Error(ErrorKind::data, fmt::format("journal has no entry {}", options.seq),
                "'credguard journal list' shows the sequence numbers");
  }
  if (format == OutputFormat::json) {
    auto json = entry->to_json();
    json["schema_version"] = 1;
    ctx.out() << json.dump(2) << '\n';
    return 0;
  }
  auto line = [&](std::string_view name, const std::string& value) {
    if (!value.empty()) {
      ctx.out() << fmt::format("{:<10} {}\n", name, escape_controls(value));
    }
  };
  line("seq", std::to_string(entry->seq));
  line("time", entry->time);
  line("actor", entry->who.actor);
  line("os user", entry->who.os_user);
  line("sudo user", entry->who.sudo_user);
  line("host", entry->who.host);
  line("command", entry->what.command);
  line("incident", entry->what.incident);
  line("action", entry->what.action);
  line("target", entry->what.target);
  line("outcome", entry->what.outcome);
  line("reason", entry->what.reason);
  line("prev hash", entry->prev_hash);
  line("hash", entry->hash);
  // JSON escapes C0 controls but not DEL nor C1 (U+009B is CSI).
  ctx.out() << "evidence:\n" << escape_controls(entry->what.evidence.dump(2), true) << '\n';
  return 0;
}

void add_journal_show(CLI::App& parent, Context& ctx, RunFn<JournalShowOptions> run)
{
  auto options = std::make_shared<JournalShowOptions>();
  auto* cmd = parent.add_subcommand("show", "Show one journal entry with its evidence");
  cmd->add_option("seq", options->seq, "The entry's sequence number")->required();
  on_parsed(*cmd, ctx, options, std::move(run));
}

} // namespace credguard::cli
