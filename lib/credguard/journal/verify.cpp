#include <credguard/core/error.hpp>
#include <credguard/journal/anchor.hpp>
#include <credguard/journal/journal.hpp>
#include <credguard/journal/schema.hpp>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include <future>

namespace credguard::journal {

namespace {

constexpr std::size_t k_batch_size = 4096;

struct Row {
  Entry entry;
  std::string evidence;
  std::string computed_hash; // empty when the row cannot be serialised
};

VerifyResult broken(VerifyResult result, std::optional<std::int64_t> seq, std::string problem)
{
  result.ok = false;
  result.first_bad_seq = seq;
  result.problem = std::move(problem);
  return result;
}

// Reads up to k_batch_size rows; returns false when none were left. Sets
// `exhausted` once the statement is done (it must not be stepped again).
bool read_batch(SQLite::Statement& rows, std::vector<Row>& batch, bool& exhausted)
{
  batch.clear();
  while (!exhausted && batch.size() < k_batch_size) {
    if (!rows.executeStep()) {
      exhausted = true;
      break;
    }
    Row row;
    Entry& entry = row.entry;
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
    row.evidence = rows.getColumn(12).getString();
    entry.prev_hash = rows.getColumn(13).getString();
    entry.hash = rows.getColumn(14).getString();
    batch.push_back(std::move(row));
  }
  return !batch.empty();
}

void hash_batch(std::vector<Row>& batch)
{
  for (auto& row : batch) {
    try {
      row.computed_hash = sha256_hex(canonical_form(row.entry, row.evidence));
    } catch (const Error&) {
      row.computed_hash.clear(); // not UTF-8: it cannot be what was written
    }
  }
}

} // namespace

VerifyResult Journal::verify() const
{
  VerifyResult result;
  // Read before the snapshot below: the anchor is written after each
  // commit, so it can then be behind the snapshot but never ahead of it.
  std::optional<Anchor> anchor = read_anchor(m_path);
  try {
    // One read transaction: the entries and the head from one snapshot, or a
    // writer committing between the two reads looks like entries removed
    // from the end.
    SQLite::Transaction snapshot(*m_db, SQLite::TransactionBehavior::DEFERRED);
    std::string integrity = m_db->execAndGet("PRAGMA quick_check").getString();
    if (integrity != "ok") {
      return broken(result, std::nullopt, fmt::format("the database file is damaged: {}", integrity));
    }
    if (!m_db->tableExists("entries")) {
      // An emptied file (`: > journal.db`): only the anchor remembers it.
      auto problem = anchor ? discontinuity(*anchor, *m_db) : std::nullopt;
      return broken(result, std::nullopt, problem ? "the journal " + *problem : "the file holds no journal");
    }
    SQLite::Statement rows(*m_db, "SELECT seq, time, actor, os_user, sudo_user, host, command, incident, action, "
                                  "target, outcome, reason, evidence, prev_hash, hash FROM entries ORDER BY seq");
    std::int64_t expected_seq = 1;
    std::string prev_hash(k_genesis_hash);
    // Hashing dominates: hash one batch on another thread while this one
    // reads the next, then check the links in order.
    std::vector<Row> current;
    std::vector<Row> next;
    bool exhausted = false;
    bool more = read_batch(rows, current, exhausted);
    while (more) {
      auto hashing = std::async(std::launch::async, hash_batch, std::ref(current));
      more = read_batch(rows, next, exhausted);
      hashing.get();
      for (const auto& row : current) {
        const Entry& entry = row.entry;
        if (entry.seq != expected_seq) {
          return broken(result, expected_seq,
                        fmt::format("entry {} is missing (the next entry is {})", expected_seq, entry.seq));
        }
        if (entry.prev_hash != prev_hash) {
          return broken(result, entry.seq,
                        fmt::format("entry {} does not follow entry {}: entries were removed or reordered", entry.seq,
                                    entry.seq - 1));
        }
        if (row.computed_hash != entry.hash) {
          return broken(result, entry.seq, fmt::format("entry {} was modified after it was written", entry.seq));
        }
        if (entry.what.action == k_discontinuity_action) {
          result.warnings.push_back(fmt::format("entry {} ({}): {}", entry.seq, entry.time, entry.what.reason));
        }
        prev_hash = entry.hash;
        result.entries = entry.seq;
        ++expected_seq;
      }
      std::swap(current, next);
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
    } else if (result.entries > 0 || schema_version(*m_db) >= 2) {
      // Since schema 2 a journal has its head record from the start.
      return broken(result, std::nullopt, "the journal's head record is missing");
    }
    if (anchor) {
      if (auto problem = discontinuity(*anchor, *m_db)) {
        return broken(result, std::nullopt, "the journal " + *problem);
      }
    } else if (result.entries > 0) {
      result.warnings.push_back(
          fmt::format("no anchor {}: a journal emptied or replaced together with it cannot be told from this one",
                      anchor_path(m_path).string()));
    }
  } catch (const SQLite::Exception& e) {
    return broken(result, std::nullopt, fmt::format("the database file is damaged: {}", e.what()));
  }
  return result;
}

} // namespace credguard::journal
