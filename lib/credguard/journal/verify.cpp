#include <credguard/journal/journal.hpp>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

namespace credguard::journal {

namespace {

VerifyResult broken(VerifyResult result, std::optional<std::int64_t> seq, std::string problem)
{
  result.ok = false;
  result.first_bad_seq = seq;
  result.problem = std::move(problem);
  return result;
}

} // namespace

VerifyResult Journal::verify() const
{
  VerifyResult result;
  try {
    std::string integrity = m_db->execAndGet("PRAGMA quick_check").getString();
    if (integrity != "ok") {
      return broken(result, std::nullopt, fmt::format("the database file is damaged: {}", integrity));
    }
    SQLite::Statement rows(*m_db, "SELECT seq, time, actor, os_user, sudo_user, host, command, incident, action, "
                                  "target, outcome, reason, evidence, prev_hash, hash FROM entries ORDER BY seq");
    std::int64_t expected_seq = 1;
    std::string prev_hash(k_genesis_hash);
    while (rows.executeStep()) {
      Entry entry;
      entry.seq = rows.getColumn(0).getInt64();
      entry.time = rows.getColumn(1).getString();
      entry.who = Identity{rows.getColumn(2).getString(), rows.getColumn(3).getString(), rows.getColumn(4).getString(),
                           rows.getColumn(5).getString()};
      entry.what.command = rows.getColumn(6).getString();
      entry.what.incident = rows.getColumn(7).getString();
      entry.what.action = rows.getColumn(8).getString();
      entry.what.target = rows.getColumn(9).getString();
      entry.what.outcome = rows.getColumn(10).getString();
      entry.what.reason = rows.getColumn(11).getString();
      std::string evidence = rows.getColumn(12).getString();
      entry.prev_hash = rows.getColumn(13).getString();
      entry.hash = rows.getColumn(14).getString();

      if (entry.seq != expected_seq) {
        return broken(result, expected_seq,
                      fmt::format("entry {} is missing (the next entry is {})", expected_seq, entry.seq));
      }
      if (entry.prev_hash != prev_hash) {
        return broken(result, entry.seq,
                      fmt::format("entry {} does not follow entry {}: entries were removed or reordered", entry.seq,
                                  entry.seq - 1));
      }
      if (sha256_hex(canonical_form(entry, evidence)) != entry.hash) {
        return broken(result, entry.seq, fmt::format("entry {} was modified after it was written", entry.seq));
      }
      prev_hash = entry.hash;
      result.entries = entry.seq;
      ++expected_seq;
    }
    result.head_hash = result.entries > 0 ? prev_hash : "";
    SQLite::Statement head(*m_db, "SELECT value FROM meta WHERE key = 'head'");
    if (head.executeStep()) {
      std::string recorded = head.getColumn(0).getString();
      std::string actual = fmt::format("{}:{}", result.entries, prev_hash);
      if (recorded != actual) {
        return broken(result, result.entries + 1,
                      fmt::format("the journal ends at entry {} but its head records {}: entries were removed "
                                  "from the end",
                                  result.entries, recorded.substr(0, recorded.find(':'))));
      }
    } else if (result.entries > 0) {
      return broken(result, std::nullopt, "the journal's head record is missing");
    }
  } catch (const SQLite::Exception& e) {
    return broken(result, std::nullopt, fmt::format("the database file is damaged: {}", e.what()));
  }
  return result;
}

} // namespace credguard::journal
