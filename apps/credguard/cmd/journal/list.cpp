#include "cli/time_arg.hpp"
#include "cmd/commands.hpp"

#include <credguard/core/table.hpp>

namespace credguard::cli {

int run_journal_list(const JournalListOptions& options, Context& ctx)
{
  auto format = ctx.output_format({OutputFormat::table, OutputFormat::json});
  journal::Filter filter;
  filter.incident = options.incident;
  filter.action_prefix = options.action;
  filter.since = parse_time_arg("--since", options.since, ctx.clock());
  filter.until = parse_time_arg("--until", options.until, ctx.clock());
  filter.limit = options.limit;
  auto entries = ctx.journal(journal::Journal::Mode::read_only).list(filter);
  if (format == OutputFormat::json) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& entry : entries) {
      items.push_back(entry.to_json());
    }
    ctx.out() << nlohmann::json{{"schema_version", 1}, {"entries", items}}.dump(2) << '\n';
    return 0;
  }
  Table table({"SEQ", "TIME", "ACTOR", "INCIDENT", "ACTION", "TARGET", "OUTCOME"});
  for (const auto& entry : entries) {
    Color color = entry.what.outcome == "failed" || entry.what.outcome == "fail" ? Color::red : Color::none;
    table.add_row({std::to_string(entry.seq), entry.time, entry.who.actor, entry.what.incident, entry.what.action,
                   entry.what.target, Cell(entry.what.outcome, color)});
  }
  table.render(ctx.out(), ctx.color());
  return 0;
}

void add_journal_list(CLI::App& parent, Context& ctx, RunFn<JournalListOptions> run)
{
  auto options = std::make_shared<JournalListOptions>();
  auto* cmd = parent.add_subcommand("list", "List journal entries, oldest first");
  cmd->add_option("--incident", options->incident, "Only entries of this incident or change ID");
  cmd->add_option("--action", options->action, "Only actions starting with this prefix, e.g. revoke.");
  cmd->add_option("--since", options->since, "From this time (RFC 3339, date, or age such as 24h)");
  cmd->add_option("--until", options->until, "Before this time");
  cmd->add_option("--limit", options->limit, "Show the newest N entries; 0 for all")->capture_default_str();
  on_parsed(*cmd, ctx, options, std::move(run));
}

} // namespace credguard::cli
