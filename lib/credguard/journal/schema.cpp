#include <credguard/core/error.hpp>
#include <credguard/journal/schema.hpp>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include <array>

namespace credguard::journal {

namespace {

// Migration N brings user_version from N to N+1. Never edit a released one.
constexpr std::array<const char*, k_schema_version> k_migrations = {
    R"sql(
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE entries (
      seq INTEGER PRIMARY KEY,
      time TEXT NOT NULL,
      actor TEXT NOT NULL,
      os_user TEXT NOT NULL,
      sudo_user TEXT NOT NULL,
      host TEXT NOT NULL,
      command TEXT NOT NULL,
      incident TEXT NOT NULL,
      action TEXT NOT NULL,
      target TEXT NOT NULL,
      outcome TEXT NOT NULL,
      reason TEXT NOT NULL,
      evidence TEXT NOT NULL,
      prev_hash TEXT NOT NULL,
      hash TEXT NOT NULL
    );
    CREATE INDEX entries_incident ON entries (incident, seq);
    CREATE INDEX entries_time ON entries (time);
    CREATE TRIGGER entries_append_only_update BEFORE UPDATE ON entries
      BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
    CREATE TRIGGER entries_append_only_delete BEFORE DELETE ON entries
      BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
  )sql",
    // 1 -> 2: an id that changes when the file is recreated, and a head
    // record from the start, neither removable without dropping a trigger.
    R"sql(
    INSERT OR IGNORE INTO meta (key, value) VALUES ('journal_id', lower(hex(randomblob(16))));
    INSERT OR IGNORE INTO meta (key, value)
      VALUES ('head', '0:0000000000000000000000000000000000000000000000000000000000000000');
    CREATE TRIGGER meta_keep_head_and_id BEFORE DELETE ON meta WHEN old.key IN ('head', 'journal_id')
      BEGIN SELECT RAISE(ABORT, 'the journal head and id cannot be removed'); END;
    CREATE TRIGGER meta_keep_id BEFORE UPDATE ON meta WHEN old.key = 'journal_id'
      BEGIN SELECT RAISE(ABORT, 'the journal id cannot be changed'); END;
  )sql",
};

} // namespace

int schema_version(SQLite::Database& db)
{
  return db.execAndGet("PRAGMA user_version").getInt();
}

void migrate(SQLite::Database& db)
{
  if (schema_version(db) == k_schema_version) {
    return;
  }
  SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
  int version = schema_version(db);
  if (version > k_schema_version) {
    throw Error(ErrorKind::io,
                fmt::format("journal {} has schema version {}, newer than this credguard's {}", db.getFilename(),
                            version, k_schema_version),
                "upgrade credguard");
  }
  for (; version < k_schema_version; ++version) {
    db.exec(k_migrations[static_cast<std::size_t>(version)]);
  }
  db.exec(fmt::format("PRAGMA user_version = {}", k_schema_version));
  transaction.commit();
}

} // namespace credguard::journal
