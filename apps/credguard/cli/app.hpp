#pragma once

#include "cli/context.hpp"

#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace credguard::cli {

// One top-level command: its name, one line about it, and how to add it.
struct CommandSpec {
  std::string_view name;
  std::string_view summary;
  void (*add)(CLI::App& cmd, Context& ctx);
};

// Every top-level command, in the order help lists them.
const std::vector<CommandSpec>& commands();

// Builds the whole command tree with the global flags bound to ctx.global.
// Touches neither the network nor the journal.
std::unique_ptr<CLI::App> build_app(Context& ctx);

// Parses `args` (argv without the program name), runs the chosen command and
// returns the exit code. Errors are printed once, as "credguard: error: ...",
// and mapped to the documented exit codes; parse errors exit 64.
int run(const std::vector<std::string>& args, Context& ctx);
int run(int argc, char** argv, Context& ctx);

// The version string, e.g. "0.1.0".
std::string_view version();

} // namespace credguard::cli
