#pragma once

#include "cli/verb.hpp"

#include <string>
#include <vector>

namespace credguard::cli {

// Each noun adds its verbs to `cmd`; each verb file exports its options,
// its run function and an add function taking an optional run hook.

void add_checklist(CLI::App& cmd, Context& ctx);
void add_journal(CLI::App& cmd, Context& ctx);
void add_triage(CLI::App& cmd, Context& ctx);
void add_postmortem(CLI::App& cmd, Context& ctx);
void add_psi(CLI::App& cmd, Context& ctx); // cmd/psi/psi.hpp
void add_revoke(CLI::App& cmd, Context& ctx);
void add_purge_cache(CLI::App& cmd, Context& ctx);
void add_quarantine(CLI::App& cmd, Context& ctx);
void add_rollback(CLI::App& cmd, Context& ctx);
void add_backup(CLI::App& cmd, Context& ctx);
void add_completion(CLI::App& cmd, Context& ctx);
void add_version(CLI::App& cmd, Context& ctx);

// checklist daily|weekly|monthly|handover
struct ChecklistOptions {
  std::string name; // the runbook
  std::vector<std::string> only;
  std::vector<std::string> skip;
  std::string runbook_file; // --runbook: a definition file instead of the configured/embedded one
  std::string textfile_dir; // --textfile: Prometheus textfile-collector directory (default checklist.textfile_dir)
};
int run_checklist(const ChecklistOptions& options, Context& ctx);
void add_checklist_verb(CLI::App& parent, Context& ctx, const std::string& name, const std::string& summary,
                        RunFn<ChecklistOptions> run = run_checklist);

// journal list
struct JournalListOptions {
  std::string incident;
  std::string action;
  std::string since;
  std::string until;
  std::size_t limit = 50;
};
int run_journal_list(const JournalListOptions& options, Context& ctx);
void add_journal_list(CLI::App& parent, Context& ctx, RunFn<JournalListOptions> run = run_journal_list);

// journal show
struct JournalShowOptions {
  std::int64_t seq = 0;
};
int run_journal_show(const JournalShowOptions& options, Context& ctx);
void add_journal_show(CLI::App& parent, Context& ctx, RunFn<JournalShowOptions> run = run_journal_show);

// journal verify
struct JournalVerifyOptions {};
int run_journal_verify(const JournalVerifyOptions& options, Context& ctx);
void add_journal_verify(CLI::App& parent, Context& ctx, RunFn<JournalVerifyOptions> run = run_journal_verify);

// journal export
struct JournalExportOptions {
  std::string incident;
  std::string since;
  std::string until;
  std::string output_file; // -o; default stdout
};
int run_journal_export(const JournalExportOptions& options, Context& ctx);
void add_journal_export(CLI::App& parent, Context& ctx, RunFn<JournalExportOptions> run = run_journal_export);

// completion bash|zsh|fish
struct CompletionOptions {
  std::string shell;
  const CLI::App* root = nullptr; // the command tree to describe
};
int run_completion(const CompletionOptions& options, Context& ctx);

} // namespace credguard::cli
