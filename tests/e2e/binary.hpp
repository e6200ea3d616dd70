#pragma once

#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace credguard::test {

// Runs the built credguard binary with a private HOME and journal.
struct Binary {
  TempDir home;
  std::map<std::string, std::string> env =
      base_env({{"HOME", home.path().string()}, {"CREDGUARD_JOURNAL", (home / "state" / "journal.db").string()}});

  ProcessResult run(std::vector<std::string> args, const std::string& input = "") const
  {
    args.insert(args.begin(), CREDGUARD_BINARY);
    return run_process(args, env, input);
  }
};

} // namespace credguard::test
