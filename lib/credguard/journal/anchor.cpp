#include <credguard/core/error.hpp>
#include <credguard/core/files.hpp>
#include <credguard/journal/anchor.hpp>
#include <credguard/journal/entry.hpp>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace credguard::journal {

namespace fs = std::filesystem;

fs::path anchor_path(const fs::path& journal)
{
  return fs::path(journal.string() + ".anchor");
}

std::optional<Anchor> read_anchor(const fs::path& journal)
{
  std::error_code ec;
  fs::path path = anchor_path(journal);
  if (!fs::exists(path, ec)) {
    return std::nullopt;
  }
  Anchor anchor;
  try {
    auto document = nlohmann::json::parse(read_file(path));
    anchor.journal_id = document.at("journal_id").get<std::string>();
    anchor.seq = document.at("seq").get<std::int64_t>();
    anchor.hash = document.at("hash").get<std::string>();
  } catch (const std::exception&) {
    anchor = Anchor{};
    anchor.readable = false;
  }
  return anchor;
}

void write_anchor(const fs::path& journal, const Anchor& anchor)
{
  nlohmann::json document{
      {"schema_version", 1}, {"journal_id", anchor.journal_id}, {"seq", anchor.seq}, {"hash", anchor.hash}};
  write_file_atomic(anchor_path(journal), document.dump() + "\n", fs::perms::owner_read | fs::perms::owner_write);
}

std::string journal_id(SQLite::Database& db)
{
  if (!db.tableExists("meta")) {
    return "";
  }
  SQLite::Statement query(db, "SELECT value FROM meta WHERE key = 'journal_id'");
  return query.executeStep() ? query.getColumn(0).getString() : "";
}

Anchor current_anchor(SQLite::Database& db)
{
  Anchor anchor{journal_id(db), 0, std::string(k_genesis_hash)};
  if (db.tableExists("entries")) {
    SQLite::Statement last(db, "SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1");
    if (last.executeStep()) {
      anchor.seq = last.getColumn(0).getInt64();
      anchor.hash = last.getColumn(1).getString();
    }
  }
  return anchor;
}

std::optional<std::string> discontinuity(const Anchor& anchor, SQLite::Database& db)
{
  std::string file = anchor_path(db.getFilename()).string();
  if (!anchor.readable) {
    return fmt::format("its anchor {} is not readable: it was damaged or replaced", file);
  }
  std::string id = journal_id(db);
  if (id != anchor.journal_id) {
    return fmt::format("it was emptied or replaced: its anchor {} remembers journal {} at entry {}, the file holds {}",
                       file, anchor.journal_id, anchor.seq, id.empty() ? "no journal id" : "journal " + id);
  }
  if (anchor.seq == 0) {
    return std::nullopt;
  }
  if (!db.tableExists("entries")) {
    return fmt::format("it holds no entries but its anchor {} remembers entry {}", file, anchor.seq);
  }
  SQLite::Statement entry(db, "SELECT hash FROM entries WHERE seq = ?");
  entry.bind(1, anchor.seq);
  if (!entry.executeStep()) {
    return fmt::format("it ends before entry {}, which its anchor {} remembers: entries were removed from the end",
                       anchor.seq, file);
  }
  if (entry.getColumn(0).getString() != anchor.hash) {
    return fmt::format("entry {} is not the one its anchor {} remembers: the chain was rewritten", anchor.seq, file);
  }
  return std::nullopt;
}

} // namespace credguard::journal
