#pragma once

#include "support/fake_clock.hpp"
#include "support/temp_dir.hpp"

#include <credguard/journal/journal.hpp>

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

inline journal::VerifyResult verify(const std::filesystem::path& path)
{
  FakeClock clock;
  journal::Journal journal(path, journal::Journal::Mode::read_only, clock, test_identity());
  return journal.verify();
}

} // namespace credguard::test
