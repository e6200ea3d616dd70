#pragma once

namespace SQLite {
class Database;
}

namespace credguard::journal {

// The schema version this build writes (PRAGMA user_version).
inline constexpr int k_schema_version = 1;

// Brings the journal's schema up to k_schema_version, one migration per
// version, each in an IMMEDIATE transaction so concurrent first opens are
// safe. Throws SQLite::Exception; throws Error(io) when the file was written
// by a newer credguard.
void migrate(SQLite::Database& db);

} // namespace credguard::journal
