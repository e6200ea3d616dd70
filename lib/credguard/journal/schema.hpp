#pragma once

namespace SQLite {
class Database;
}

namespace credguard::journal {

// The schema version this build writes (PRAGMA user_version).
inline constexpr int k_schema_version = 2;

// Brings the journal's schema up to k_schema_version, one migration per
// version, each in an IMMEDIATE transaction so concurrent first opens are
// safe. Throws SQLite::Exception; throws Error(io) when the file was written
// by a newer credguard.
void migrate(SQLite::Database& db);

// PRAGMA user_version: 0 for a file that holds no journal yet.
int schema_version(SQLite::Database& db);

} // namespace credguard::journal
