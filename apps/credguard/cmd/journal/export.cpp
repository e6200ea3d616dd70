#include "cli/time_arg.hpp"
#include "cmd/commands.hpp"

#include <credguard/core/files.hpp>

#include <fmt/format.h>

namespace credguard::cli {

int run_journal_export(const JournalExportOptions& options, Context& ctx)
{
  journal::Filter filter;
  filter.incident = options.incident;
  filter.since = parse_time_arg("--since", options.since, ctx.clock());
  filter.until = parse_time_arg("--until", options.until, ctx.clock());
  auto entries = ctx.journal(journal::Journal::Mode::read_only).list(filter);
  std::string lines;
  for (const auto& entry : entries) {
    lines += entry.to_json().dump() + '\n';
  }
  if (options.output_file.empty() || options.output_file == "-") {
    ctx.out() << lines;
  } else {
    write_file_atomic(options.output_file, lines,
                      std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    if (ctx.progress()) {
      ctx.err() << fmt::format("credguard: exported {} entries to {}\n", entries.size(), options.output_file);
    }
  }
  return 0;
}

void add_journal_export(CLI::App& parent, Context& ctx, RunFn<JournalExportOptions> run)
{
  auto options = std::make_shared<JournalExportOptions>();
  auto* cmd = parent.add_subcommand("export", "Export entries as JSON Lines, one entry per line");
  cmd->add_option("--incident", options->incident, "Only entries of this incident or change ID");
  cmd->add_option("--since", options->since, "From this time (RFC 3339, date, or age such as 24h)");
  cmd->add_option("--until", options->until, "Before this time");
  cmd->add_option("-o,--output-file", options->output_file, "Write to FILE (atomically) instead of stdout")
      ->type_name("FILE");
  on_parsed(*cmd, ctx, options, std::move(run));
}

} // namespace credguard::cli
