#include "cmd/commands.hpp"

namespace credguard::cli {

void add_journal(CLI::App& cmd, Context& ctx)
{
  cmd.footer("The journal records every action credguard takes, each entry chained to the previous one by\n"
             "SHA-256 so that edits, deletions and reordering are detected by 'journal verify'.\n"
             "Location: journal.path, $CREDGUARD_JOURNAL, else ~/.local/state/credguard/journal.db\n"
             "(/var/lib/credguard/journal.db as root).");
  add_journal_list(cmd, ctx);
  add_journal_show(cmd, ctx);
  add_journal_verify(cmd, ctx);
  add_journal_export(cmd, ctx);
}

} // namespace credguard::cli
