#pragma once

// The journal's anchor: a small file beside it (journal.db.anchor) that
// remembers which journal it is and how far its chain had come, so that a
// journal emptied (`: > journal.db`), recreated, cut short or rewritten
// with its head record is noticed. Internal to journal/.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace SQLite {
class Database;
}

namespace credguard::journal {

// The journal action recorded when an append finds the chain does not
// continue what the anchor remembers.
inline constexpr const char* k_discontinuity_action = "journal.discontinuity";

struct Anchor {
  std::string journal_id;
  std::int64_t seq = 0; // the last entry the anchor saw; 0 for an empty journal
  std::string hash;     // that entry's hash (the genesis hash for 0)
  bool readable = true; // false: the file exists but is not an anchor
};

// <journal path>.anchor
std::filesystem::path anchor_path(const std::filesystem::path& journal);

// The anchor beside `journal`, nullopt when there is none.
std::optional<Anchor> read_anchor(const std::filesystem::path& journal);

// Replaces the anchor atomically (mode 0600). Throws Error(io).
void write_anchor(const std::filesystem::path& journal, const Anchor& anchor);

// The journal's id (meta 'journal_id'); empty when it has none (a journal
// written before schema 2, or a file that holds no journal).
std::string journal_id(SQLite::Database& db);

// What the journal holds now, as an anchor would record it.
Anchor current_anchor(SQLite::Database& db);

// Why the journal in `db` does not continue what `anchor` remembers (its
// id changed, its chain ends before the anchor's entry, that entry has
// another hash), or nullopt when it does. An anchor behind the journal is
// fine: it is written after each commit.
std::optional<std::string> discontinuity(const Anchor& anchor, SQLite::Database& db);

} // namespace credguard::journal
