#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include <credguard/core/error.hpp>
#include <credguard/core/process.hpp>
#include <credguard/core/strings.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

using namespace credguard;

namespace {

std::map<std::string, std::string> path_env()
{
  return {{"PATH", "/usr/local/bin:/usr/bin:/bin"}};
}

// Collects both streams, as the exec plugin and the systemd kind do.
ProcessResult collect(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                      Millis timeout)
{
  ProcessSpec spec;
  spec.argv = argv;
  spec.env = env;
  spec.timeout = timeout;
  return run_process(spec);
}

} // namespace

TEST_CASE("run_process passes arguments without a shell and collects both streams")
{
  auto result = collect({"sh", "-c", "printf '%s|' \"$@\"; echo oops >&2; exit 3", "sh", "a b", "$HOME", "*"},
                        path_env(), Millis(10'000));
  CHECK(result.exit_code == 3);
  CHECK(result.out == "a b|$HOME|*|"); // neither split, nor expanded, nor globbed
  CHECK(result.err == "oops\n");
  CHECK(result.first_error_line() == "oops");
  CHECK_FALSE(result.timed_out);
}

TEST_CASE("run_process gives the child exactly the environment it is handed")
{
  auto env = path_env();
  env["CREDGUARD_PROBE"] = "x=1";
  auto result = collect({"env"}, env, Millis(10'000));
  CHECK(result.exit_code == 0);
  CHECK(result.out.find("CREDGUARD_PROBE=x=1\n") != std::string::npos);
  CHECK(result.out.find("HOME=") == std::string::npos);
}

TEST_CASE("run_process looks the program up in the given PATH, and names a missing one")
{
  test::TempDir dir;
  auto script = dir.write("hello-plugin", "#!/bin/sh\necho from-plugin\n");
  ::chmod(script.c_str(), 0755);
  auto env = path_env();
  env["PATH"] = dir.path().string() + ":/usr/bin:/bin";
  CHECK(collect({"hello-plugin"}, env, Millis(10'000)).out == "from-plugin\n");

  try {
    collect({"no-such-plugin-xyz"}, env, Millis(10'000));
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::unavailable);
    CHECK(std::string(e.what()).find("no-such-plugin-xyz") != std::string::npos);
  }
}

TEST_CASE("run_process kills a child that overruns its timeout")
{
  auto result = collect({"sleep", "30"}, path_env(), Millis(200));
  CHECK(result.timed_out);
  CHECK(result.exit_code == 128 + 9);
}

TEST_CASE("run_process closes stdin so a plugin waiting for input ends")
{
  auto result = collect({"cat"}, path_env(), Millis(10'000));
  CHECK(result.exit_code == 0);
  CHECK(result.out.empty());
  CHECK_FALSE(result.timed_out);
}

TEST_CASE("run_process: streams a large input through and back without a shell or deadlock")
{
  std::string input(3 * 1024 * 1024, 'a');
  for (std::size_t i = 0; i < input.size(); i += 97) {
    input[i] = '\n';
  }
  std::size_t offset = 0;
  std::string output;
  ProcessSpec spec;
  spec.argv = {"cat"};
  spec.input = [&](char* buffer, std::size_t capacity) {
    auto n = std::min(capacity, input.size() - offset);
    std::memcpy(buffer, input.data() + offset, n);
    offset += n;
    return n;
  };
  spec.output = [&](std::string_view chunk) { output.append(chunk); };
  auto result = run_process(spec);
  CHECK(result.ok());
  CHECK(output == input);
}

TEST_CASE("run_process: arguments are passed verbatim, exit status and stderr are reported")
{
  std::string output;
  ProcessSpec spec;
  spec.argv = {"sh", "-c", "printf '%s|' \"$@\"; echo oops >&2; exit 3", "sh", "a b", "$HOME", "';'"};
  spec.output = [&](std::string_view chunk) { output.append(chunk); };
  auto result = run_process(spec);
  CHECK(output == "a b|$HOME|';'|");
  CHECK(result.exit_code == 3);
  CHECK(result.stderr_tail() == "oops");
  CHECK(result.describe() == "exit status 3: oops");
}

TEST_CASE("run_process: a child that stops reading does not kill us, a signal is reported")
{
  std::string big(8 * 1024 * 1024, 'x');
  std::size_t offset = 0;
  ProcessSpec spec;
  spec.argv = {"sh", "-c", "head -c 10 >/dev/null; kill -9 $$"};
  spec.input = [&](char* buffer, std::size_t capacity) {
    auto n = std::min(capacity, big.size() - offset);
    std::memcpy(buffer, big.data() + offset, n);
    offset += n;
    return n;
  };
  auto result = run_process(spec);
  CHECK(result.signal == 9);
  CHECK_FALSE(result.ok());
}

TEST_CASE("run_process: a missing program is an unavailable error naming it")
{
  ProcessSpec spec;
  spec.argv = {"credguard-no-such-program"};
  try {
    run_process(spec);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::unavailable);
    CHECK_THAT(e.what(), Catch::Contains("credguard-no-such-program"));
  }
}

TEST_CASE("run_process: an exception from the output sink kills and reaps the child")
{
  ProcessSpec spec;
  spec.argv = {"sh", "-c", "echo first; sleep 30"};
  spec.output = [](std::string_view) { throw Error(ErrorKind::io, "disk full"); };
  pid_t pid = -1;
  spec.on_start = [&](pid_t started) { pid = started; };
  CHECK_THROWS_WITH(run_process(spec), "disk full");
  REQUIRE(pid > 0);
  // Reaped: no such process any more (not even a zombie).
  CHECK(::kill(pid, 0) == -1);
  CHECK(errno == ESRCH);
}

TEST_CASE("run_process: a timeout kills the whole process group, not only the child")
{
  test::TempDir dir;
  auto marker = dir.path() / "grandchild-pid";
  // The grandchild keeps stdout open: without the group kill the run would
  // wait for it, and it would outlive the timeout.
  auto result = collect({"sh", "-c", "sleep 30 & echo $! > " + marker.string() + "; wait"}, path_env(), Millis(300));
  CHECK(result.timed_out);
  auto text = test::slurp(marker);
  auto grandchild = static_cast<pid_t>(std::stol(text));
  // Killed and, once its parent is gone, reaped by init: no such process soon.
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {
    gone = !test::process_alive(grandchild);
    if (!gone) {
      ::usleep(10'000);
    }
  }
  CHECK(gone);
}

TEST_CASE("run_process: collected stdout is capped, and the error names the cap")
{
  ProcessSpec spec;
  spec.argv = {"cat", "/dev/zero"};
  spec.output_cap = 1024 * 1024;
  try {
    run_process(spec);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::data);
    CHECK_THAT(e.what(), Catch::Contains("cat wrote more than 1.0 MiB to its standard output"));
  }
}

TEST_CASE("run_process: a child silent for longer than idle_timeout is killed")
{
  ProcessSpec spec;
  spec.argv = {"sh", "-c", "echo started; sleep 30"};
  spec.idle_timeout = Millis(300);
  auto start = std::chrono::steady_clock::now();
  auto result = run_process(spec);
  CHECK(result.timed_out);
  CHECK(result.out == "started\n");
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
}

TEST_CASE("run_process: the interrupted flag stops the child and throws interrupted")
{
  std::atomic<bool> interrupted{false};
  ProcessSpec spec;
  spec.argv = {"sleep", "30"};
  spec.interrupted = &interrupted;
  pid_t pid = -1;
  spec.on_start = [&](pid_t started) {
    pid = started;
    interrupted.store(true);
  };
  try {
    run_process(spec);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::interrupted);
  }
  REQUIRE(pid > 0);
  CHECK(::kill(pid, 0) == -1);
}

TEST_CASE("run_process: the child inherits no descriptor of ours but its three streams")
{
  // Everything the runner opens is close-on-exec, and what others opened
  // without it (as libcurl's socket pair) is closed in the child too: only
  // 0, 1, 2 and ls's own directory handle may be listed.
  int leaky[2] = {-1, -1};
  REQUIRE(::pipe(leaky) == 0);
  std::string input = "x";
  ProcessSpec spec;
  spec.argv = {"sh", "-c", "cat >/dev/null; ls /proc/self/fd"};
  spec.input = [&](char* buffer, std::size_t capacity) {
    auto n = std::min(capacity, input.size());
    std::memcpy(buffer, input.data(), n);
    input.erase(0, n);
    return n;
  };
  auto result = run_process(spec);
  ::close(leaky[0]);
  ::close(leaky[1]);
  REQUIRE(result.ok());
  auto fds = split(std::string(trim(result.out)), '\n');
  CHECK(fds.size() <= 4);
  for (const auto& fd : fds) {
    CHECK(std::stoi(fd) <= 3);
  }
}
