#pragma once

#include <credguard/core/clock.hpp>
#include <credguard/core/env.hpp>
#include <credguard/core/redact.hpp>
#include <credguard/journal/entry.hpp>

#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

namespace SQLite {
class Database;
}

namespace credguard::journal {

// Which entries list() and export return.
struct Filter {
  std::string incident;            // exact incident ID; empty = any
  std::string action_prefix;       // e.g. "revoke."; empty = any
  std::optional<SystemTime> since; // inclusive
  std::optional<SystemTime> until; // exclusive
  std::optional<std::int64_t> after_seq;
  std::size_t limit = 0; // 0 = no limit; else the newest `limit`
};

// What verify() found. `first_bad_seq` names the first entry that fails the
// chain (a modified, missing or reordered entry).
struct VerifyResult {
  bool ok = true;
  std::int64_t entries = 0;
  std::optional<std::int64_t> first_bad_seq;
  std::string problem;   // one line, empty when ok
  std::string head_hash; // hash of the last entry
  // Intact but not the whole story: entries that record a discontinuity
  // (the file was emptied, recreated or cut short before them), or no
  // anchor beside the journal. Each one line.
  std::vector<std::string> warnings;
};

// The tamper-evident audit journal: SQLite in WAL mode, one append-only
// table whose entries each carry the SHA-256 of the previous entry and of
// themselves. Several processes may append at once: each append is one
// IMMEDIATE transaction, so the chain never forks. Beside the file, an
// anchor (<path>.anchor) remembers the journal's id and its last entry: an
// append that finds the chain does not continue it (the file was emptied or
// recreated) first records a journal.discontinuity entry.
class Journal {
public:
  enum class Mode { read_only, read_write };

  // Opens the journal at `path`; read_write creates it (mode 0600, its
  // directory 0700) and migrates its schema. Throws Error(io) naming the
  // path when it cannot be opened or written.
  Journal(const std::filesystem::path& path, Mode mode, const Clock& clock, Identity who,
          const Redactor* redactor = nullptr);
  ~Journal();
  Journal(Journal&&) noexcept;
  Journal& operator=(Journal&&) noexcept;

  // Appends one entry and returns it as stored. Text and evidence are
  // scrubbed of registered secrets first. Throws Error(io) when the entry
  // could not be written: callers that change production must not act then.
  Entry append(EntryDraft draft);

  std::vector<Entry> list(const Filter& filter) const;
  std::optional<Entry> get(std::int64_t seq) const;
  // Recomputes the whole chain, the head record and the anchor beside the
  // journal, from one read transaction (concurrent appends are not
  // mistaken for damage). Never throws for a damaged journal: damage is
  // reported in the result.
  VerifyResult verify() const;

  const std::filesystem::path& path() const { return m_path; }
  const Identity& identity() const { return m_who; }

private:
  std::filesystem::path m_path;
  const Clock* m_clock;
  Identity m_who;
  const Redactor* m_redactor;
  std::unique_ptr<SQLite::Database> m_db;
};

// The journal path: journal.path when configured (resolved by the caller),
// else $XDG_STATE_HOME/credguard/journal.db, ~/.local/state/credguard/
// journal.db, or /var/lib/credguard/journal.db when running as root.
std::filesystem::path default_path(const Env& env, bool root);

// Resolves who is acting: --actor when given, else $SUDO_USER, else the OS
// user; plus the host name.
Identity resolve_identity(const Env& env, const std::string& actor_flag);

} // namespace credguard::journal
