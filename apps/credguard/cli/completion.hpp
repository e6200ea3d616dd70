#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace credguard::cli {

// A node of the command tree as completions and the man page see it.
struct CommandNode {
  std::string path; // "" for the root, "journal list"
  std::vector<std::string> subcommands;
  struct Flag {
    std::string name; // --output, -q
    std::string help;
    bool takes_value = false;
    bool is_path = false;             // FILE or DIR: complete file names
    std::vector<std::string> choices; // from IsMember
  };
  std::vector<Flag> flags;            // including the global flags every command accepts
  std::vector<std::string> arguments; // choices of positional arguments (completion bash|zsh|fish)
};

// Walks the tree from `root`, depth first. Hidden options are left out.
std::vector<CommandNode> command_nodes(const CLI::App& root);

// The completion script for "bash", "zsh" or "fish".
std::string generate_completion(const CLI::App& root, const std::string& shell);

} // namespace credguard::cli
