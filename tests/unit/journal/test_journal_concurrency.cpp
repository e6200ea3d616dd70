#include "journal_fixture.hpp"

#include <credguard/core/clock.hpp>

#include <catch2/catch.hpp>

#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

using namespace credguard;
using namespace credguard::test;

TEST_CASE("journal: 8 processes appending 500 entries each make one chain of 4000")
{
  TempDir dir;
  auto path = dir / "j.db";
  fill(path, 1); // create the schema first so every writer starts equal
  constexpr int k_writers = 8;
  constexpr int k_each = 500;
  std::vector<pid_t> children;
  for (int w = 0; w < k_writers; ++w) {
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      int status = 0;
      try {
        SystemClock clock;
        journal::Journal journal(path, journal::Journal::Mode::read_write, clock, test_identity());
        for (int i = 0; i < k_each; ++i) {
          journal.append(draft(w * 1000 + i, "INC-W" + std::to_string(w)));
        }
      } catch (...) {
        status = 1;
      }
      std::_Exit(status);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  auto result = verify(path);
  CHECK(result.ok);
  CHECK(result.entries == 1 + k_writers * k_each);
  FakeClock clock;
  journal::Journal journal(path, journal::Journal::Mode::read_only, clock, test_identity());
  journal::Filter filter;
  filter.incident = "INC-W3";
  CHECK(journal.list(filter).size() == k_each);
}

TEST_CASE("journal: a writer killed with SIGKILL mid-append leaves a journal that verifies")
{
  TempDir dir;
  auto path = dir / "j.db";
  fill(path, 1);
  for (int round = 0; round < 3; ++round) {
    int ready[2];
    REQUIRE(::pipe(ready) == 0);
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      ::close(ready[0]);
      SystemClock clock;
      journal::Journal journal(path, journal::Journal::Mode::read_write, clock, test_identity());
      journal.append(draft(0));
      (void)::write(ready[1], "x", 1);
      for (int i = 1;; ++i) {
        journal.append(draft(i));
      }
    }
    ::close(ready[1]);
    char byte = 0;
    REQUIRE(::read(ready[0], &byte, 1) == 1);
    ::close(ready[0]);
    ::usleep(static_cast<useconds_t>(20'000 + round * 15'000));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    REQUIRE(WIFSIGNALED(status));
    auto result = verify(path);
    INFO("round " << round << ": " << result.problem);
    CHECK(result.ok);
    CHECK(result.entries >= 2 + round);
  }
}

TEST_CASE("journal verify: a verify while another process appends never reports tampering")
{
  TempDir dir;
  auto path = dir / "j.db";
  fill(path, 1);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    int status = 0;
    try {
      SystemClock clock;
      journal::Journal journal(path, journal::Journal::Mode::read_write, clock, test_identity());
      for (int i = 0; i < 1500; ++i) {
        journal.append(draft(i));
      }
    } catch (...) {
      status = 1;
    }
    std::_Exit(status);
  }
  int runs = 0;
  std::vector<std::string> problems;
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    auto result = verify(path);
    ++runs;
    if (!result.ok) {
      problems.push_back(result.problem);
    }
  }
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  INFO(runs << " verifies; first problem: " << (problems.empty() ? "" : problems.front()));
  CHECK(runs > 10);
  CHECK(problems.empty());
  CHECK(verify(path).entries == 1501);
}
