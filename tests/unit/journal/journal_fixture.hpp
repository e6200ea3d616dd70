#pragma once

#include "support/fake_clock.hpp"
#include "support/temp_dir.hpp"

#include <credguard/journal/journal.hpp>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

namespace credguard::test {

inline journal::Identity test_identity()
{
  return journal::Identity{"alice", "root", "alice", "host-1"};
}

inline journal::EntryDraft draft(int n, const std::string& incident = "INC-1")
{
  return journal::EntryDraft{"credguard test", incident,  "test.step", fmt::format("target-{}", n), "ok",
                             "testing",        {{"n", n}}};
}

// Appends `count` entries to a fresh journal at `path`.
inline void fill(const std::filesystem::path& path, int count)
{
  FakeClock clock;
  journal::Journal journal(path, journal::Journal::Mode::read_write, clock, test_identity());
  for (int i = 1; i <= count; ++i) {
    journal.append(draft(i));
    clock.advance(Millis(1000));
  }
}

// Appends `count` more valid entries in one transaction, computing the chain
// as Journal::append does; for journals too large to fill entry by entry.
inline void bulk_fill(const std::filesystem::path& path, int count)
{
  fill(path, 1);
  SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
  std::string last = db.execAndGet("SELECT hash FROM entries WHERE seq = 1").getString();
  SQLite::Transaction transaction(db);
  SQLite::Statement insert(db, "INSERT INTO entries VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  for (int seq = 2; seq <= count; ++seq) {
    journal::Entry entry;
    entry.seq = seq;
    entry.time = "2026-11-23T08:00:00.000Z";
    entry.who = test_identity();
    entry.what = draft(seq);
    std::string evidence = entry.what.evidence.dump();
    entry.prev_hash = last;
    entry.hash = journal::sha256_hex(journal::canonical_form(entry, evidence));
    int column = 1;
    insert.bind(column++, entry.seq);
    for (const std::string* text :
         {&entry.time, &entry.who.actor, &entry.who.os_user, &entry.who.sudo_user, &entry.who.host, &entry.what.command,
          &entry.what.incident, &entry.what.action, &entry.what.target, &entry.what.outcome, &entry.what.reason,
          &evidence, &entry.prev_hash, &entry.hash}) {
      insert.bind(column++, *text);
    }
    insert.exec();
    insert.reset();
    last = entry.hash;
  }
  SQLite::Statement head(db, "UPDATE meta SET value = ? WHERE key = 'head'");
  head.bind(1, fmt::format("{}:{}", count, last));
  head.exec();
  transaction.commit();
}

inline journal::VerifyResult verify(const std::filesystem::path& path)
{
  FakeClock clock;
  journal::Journal journal(path, journal::Journal::Mode::read_only, clock, test_identity());
  return journal.verify();
}

} // namespace credguard::test
