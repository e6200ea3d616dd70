// `journal verify` over a million entries. Builds a valid journal fast (one
// transaction, the journal's own canonical form and hash), then times
// Journal::verify() against the reference: SHA-256 alone over the same
// canonical forms, the floor any verifier must pay.
#include <credguard/core/clock.hpp>
#include <credguard/journal/entry.hpp>
#include <credguard/journal/journal.hpp>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <unistd.h>

using namespace credguard;

namespace {

double seconds_since(std::chrono::steady_clock::time_point start)
{
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace

int main(int argc, char** argv)
{
  const std::int64_t count = argc > 1 ? std::atoll(argv[1]) : 1'000'000;
  auto dir = std::filesystem::temp_directory_path() / fmt::format("credguard-bench-journal-{}", ::getpid());
  std::filesystem::create_directories(dir);
  auto path = dir / "journal.db";
  SystemClock clock;
  journal::Identity who{"bench", "root", "", "bench-host"};
  {
    // Create the schema through the real journal, then bulk-insert entries.
    journal::Journal(path, journal::Journal::Mode::read_write, clock, who)
        .append({"credguard bench", "", "bench.start", "", "ok", "", {}});
  }
  auto build_start = std::chrono::steady_clock::now();
  std::vector<std::string> canonical;
  canonical.reserve(static_cast<std::size_t>(count));
  {
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
    auto last = db.execAndGet("SELECT hash FROM entries WHERE seq = 1").getString();
    SQLite::Transaction transaction(db);
    SQLite::Statement insert(db, "INSERT INTO entries VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    for (std::int64_t seq = 2; seq <= count; ++seq) {
      journal::Entry entry;
      entry.seq = seq;
      entry.time = "2026-11-23T08:00:00.000Z";
      entry.who = who;
      entry.what = {"credguard revoke credit-score 7 --incident INC-1",
                    "INC-20261123-001",
                    "revoke.purge",
                    "credit-score@7",
                    "ok",
                    "bench",
                    {}};
      std::string evidence =
          fmt::format(R"({{"endpoint":"http://cache-{}.internal/purge","ms":{}}})", seq % 500, seq % 97);
      entry.prev_hash = last;
      canonical.push_back(journal::canonical_form(entry, evidence));
      entry.hash = journal::sha256_hex(canonical.back());
      int column = 1;
      for (const std::string* text :
           {&entry.time, &entry.who.actor, &entry.who.os_user, &entry.who.sudo_user, &entry.who.host,
            &entry.what.command, &entry.what.incident, &entry.what.action, &entry.what.target, &entry.what.outcome,
            &entry.what.reason, &evidence, &entry.prev_hash, &entry.hash}) {
        if (column == 1) {
          insert.bind(column++, entry.seq);
        }
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
  double build_seconds = seconds_since(build_start);

  auto hash_start = std::chrono::steady_clock::now();
  std::size_t checksum = 0;
  for (const auto& text : canonical) {
    checksum += journal::sha256_hex(text)[0] == '0' ? 1U : 0U;
  }
  double hash_seconds = seconds_since(hash_start);

  auto verify_start = std::chrono::steady_clock::now();
  journal::Journal journal(path, journal::Journal::Mode::read_only, clock, who);
  auto result = journal.verify();
  double verify_seconds = seconds_since(verify_start);
  auto size = std::filesystem::file_size(path);
  std::filesystem::remove_all(dir);

  fmt::print("journal verify, {} entries ({:.0f} MiB journal, built in {:.1f}s)\n", result.entries,
             static_cast<double>(size) / (1024.0 * 1024.0), build_seconds);
  fmt::print("  credguard journal verify   {:7.2f} s   {:9.0f} entries/s   chain {}\n", verify_seconds,
             static_cast<double>(result.entries) / verify_seconds, result.ok ? "intact" : "BROKEN");
  fmt::print("  reference: SHA-256 only    {:7.2f} s   {:9.0f} entries/s   ({} leading zeros)\n", hash_seconds,
             static_cast<double>(canonical.size()) / hash_seconds, checksum);
  fmt::print("  verify / hash-only         {:7.2f} x\n", verify_seconds / hash_seconds);
  return result.ok && result.entries == count ? 0 : 1;
}
