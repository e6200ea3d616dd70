#pragma once

#include "cli/app.hpp"
#include "support/fake_clock.hpp"
#include "support/temp_dir.hpp"

#include <sstream>

namespace credguard::test {

// Runs the CLI in-process with string streams, a fake clock and a private
// environment whose journal lives in a temporary directory.
struct CliHarness {
  TempDir home;
  std::ostringstream out;
  std::ostringstream err;
  std::istringstream in;
  FakeClock clock;
  MapEnv env{std::map<std::string, std::string>{{"HOME", home.path().string()},
                                                {"CREDGUARD_JOURNAL", (home / "journal.db").string()}}};

  int run(const std::vector<std::string>& args)
  {
    out.str("");
    err.str("");
    cli::Context ctx(Io{out, err, in, false, false, false, false}, clock, env);
    return cli::run(args, ctx);
  }
};

} // namespace credguard::test
