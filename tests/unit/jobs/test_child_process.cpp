#include <credguard/core/error.hpp>
#include <credguard/jobs/child_process.hpp>

#include <catch2/catch.hpp>

#include <cerrno>
#include <csignal>
#include <cstring>

using namespace credguard;
using namespace credguard::jobs;

TEST_CASE("child process: streams a large input through and back without a shell or deadlock")
{
  std::string input(3 * 1024 * 1024, 'a');
  for (std::size_t i = 0; i < input.size(); i += 97) {
    input[i] = '\n';
  }
  std::size_t offset = 0;
  std::string output;
  ChildSpec spec;
  spec.argv = {"cat"};
  spec.input = [&](char* buffer, std::size_t capacity) {
    auto n = std::min(capacity, input.size() - offset);
    std::memcpy(buffer, input.data() + offset, n);
    offset += n;
    return n;
  };
  spec.output = [&](std::string_view chunk) { output.append(chunk); };
  auto result = run_child(spec);
  CHECK(result.ok());
  CHECK(output == input);
}

TEST_CASE("child process: arguments are passed verbatim, exit status and stderr are reported")
{
  std::string output;
  ChildSpec spec;
  spec.argv = {"sh", "-c", "printf '%s|' \"$@\"; echo oops >&2; exit 3", "sh", "a b", "$HOME", "';'"};
  spec.output = [&](std::string_view chunk) { output.append(chunk); };
  auto result = run_child(spec);
  CHECK(output == "a b|$HOME|';'|");
  CHECK(result.exit_code == 3);
  CHECK(result.stderr_tail == "oops");
  CHECK(result.describe() == "exit status 3: oops");
}

TEST_CASE("child process: a child that stops reading does not kill us, a signal is reported")
{
  std::string big(8 * 1024 * 1024, 'x');
  std::size_t offset = 0;
  ChildSpec spec;
  spec.argv = {"sh", "-c", "head -c 10 >/dev/null; kill -9 $$"};
  spec.input = [&](char* buffer, std::size_t capacity) {
    auto n = std::min(capacity, big.size() - offset);
    std::memcpy(buffer, big.data() + offset, n);
    offset += n;
    return n;
  };
  auto result = run_child(spec);
  CHECK(result.signal == 9);
  CHECK_FALSE(result.ok());
}

TEST_CASE("child process: a missing program is an unavailable error naming it")
{
  ChildSpec spec;
  spec.argv = {"credguard-no-such-program"};
  try {
    run_child(spec);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::unavailable);
    CHECK_THAT(e.what(), Catch::Contains("credguard-no-such-program"));
  }
}

TEST_CASE("child process: an exception from the output sink kills and reaps the child")
{
  ChildSpec spec;
  spec.argv = {"sh", "-c", "echo first; sleep 30"};
  spec.output = [](std::string_view) { throw Error(ErrorKind::io, "disk full"); };
  pid_t pid = -1;
  spec.on_start = [&](pid_t started) { pid = started; };
  CHECK_THROWS_WITH(run_child(spec), "disk full");
  REQUIRE(pid > 0);
  // Reaped: no such process any more (not even a zombie).
  CHECK(::kill(pid, 0) == -1);
  CHECK(errno == ESRCH);
}
