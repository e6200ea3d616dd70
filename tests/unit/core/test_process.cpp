#include "support/temp_dir.hpp"

#include <credguard/core/error.hpp>
#include <credguard/core/process.hpp>

#include <catch2/catch.hpp>

#include <sys/stat.h>

using namespace credguard;

namespace {

std::map<std::string, std::string> path_env()
{
  return {{"PATH", "/usr/local/bin:/usr/bin:/bin"}};
}

} // namespace

TEST_CASE("run_command passes arguments without a shell and collects both streams")
{
  auto result = run_command({"sh", "-c", "printf '%s|' \"$@\"; echo oops >&2; exit 3", "sh", "a b", "$HOME", "*"},
                            path_env(), Millis(10'000));
  CHECK(result.exit_code == 3);
  CHECK(result.out == "a b|$HOME|*|"); // neither split, nor expanded, nor globbed
  CHECK(result.err == "oops\n");
  CHECK(result.first_error_line() == "oops");
  CHECK_FALSE(result.timed_out);
}

TEST_CASE("run_command gives the child exactly the environment it is handed")
{
  auto env = path_env();
  env["CREDGUARD_PROBE"] = "x=1";
  auto result = run_command({"env"}, env, Millis(10'000));
  CHECK(result.exit_code == 0);
  CHECK(result.out.find("CREDGUARD_PROBE=x=1\n") != std::string::npos);
  CHECK(result.out.find("HOME=") == std::string::npos);
}

TEST_CASE("run_command looks the program up in the given PATH, and names a missing one")
{
  test::TempDir dir;
  auto script = dir.write("hello-plugin", "#!/bin/sh\necho from-plugin\n");
  ::chmod(script.c_str(), 0755);
  auto env = path_env();
  env["PATH"] = dir.path().string() + ":/usr/bin:/bin";
  CHECK(run_command({"hello-plugin"}, env, Millis(10'000)).out == "from-plugin\n");

  try {
    run_command({"no-such-plugin-xyz"}, env, Millis(10'000));
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::io);
    CHECK(std::string(e.what()).find("no-such-plugin-xyz") != std::string::npos);
  }
}

TEST_CASE("run_command kills a child that overruns its timeout")
{
  auto result = run_command({"sleep", "30"}, path_env(), Millis(200));
  CHECK(result.timed_out);
  CHECK(result.exit_code == 128 + 9);
}

TEST_CASE("run_command closes stdin so a plugin waiting for input ends")
{
  auto result = run_command({"cat"}, path_env(), Millis(10'000));
  CHECK(result.exit_code == 0);
  CHECK(result.out.empty());
  CHECK_FALSE(result.timed_out);
}
