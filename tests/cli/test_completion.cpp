#include "cli/app.hpp"
#include "cli/completion.hpp"
#include "harness.hpp"

#include <catch2/catch.hpp>

#include <regex>

using namespace credguard;
using namespace credguard::cli;

namespace {

std::string source_file(const std::string& relative)
{
  return test::slurp(std::filesystem::path(CREDGUARD_SOURCE_DIR) / relative);
}

// The man page's text with roff escapes removed: \- -> -, fonts dropped.
std::string man_text()
{
  std::string text = source_file("man/credguard.1");
  text = std::regex_replace(text, std::regex(R"(\\f[BIRP])"), "");
  text = std::regex_replace(text, std::regex(R"(\\-)"), "-");
  return text;
}

std::vector<CommandNode> tree()
{
  static test::CliHarness h;
  static Context ctx(Io{h.out, h.err, h.in, false, false, false, false}, h.clock, h.env);
  static auto app = build_app(ctx);
  return command_nodes(*app);
}

} // namespace

TEST_CASE("completion: the committed scripts are what the command tree generates")
{
  test::CliHarness h;
  for (const auto& [shell, file] :
       std::vector<std::pair<std::string, std::string>>{{"bash", "completions/credguard.bash"},
                                                        {"zsh", "completions/_credguard"},
                                                        {"fish", "completions/credguard.fish"}}) {
    INFO(shell << ": regenerate with: credguard completion " << shell << " > " << file);
    CHECK(h.run({"completion", shell}) == 0);
    CHECK(h.out.str() == source_file(file));
  }
}

TEST_CASE("completion: every subcommand and flag is offered by every shell")
{
  auto nodes = tree();
  REQUIRE(nodes.size() > 5);
  for (const auto& file : {"completions/credguard.bash", "completions/_credguard", "completions/credguard.fish"}) {
    auto script = source_file(file);
    for (const auto& node : nodes) {
      INFO(file << ": " << node.path);
      if (!node.path.empty()) {
        CHECK(script.find(node.path) != std::string::npos);
      }
      for (const auto& flag : node.flags) {
        if (!flag.name.starts_with("--")) {
          continue;
        }
        auto name = std::string(file).ends_with(".fish") ? "-l " + flag.name.substr(2) : flag.name;
        INFO(flag.name);
        CHECK(script.find(name) != std::string::npos);
      }
    }
  }
}

TEST_CASE("man page: every subcommand and flag is documented")
{
  auto man = man_text();
  for (const auto& section :
       {".SH NAME", ".SH SYNOPSIS", ".SH COMMANDS", ".SH OPTIONS", ".SH EXIT STATUS", ".SH ENVIRONMENT", ".SH FILES"}) {
    CHECK(man.find(section) != std::string::npos);
  }
  for (const auto& node : tree()) {
    INFO(node.path);
    if (!node.path.empty()) {
      CHECK(man.find(node.path) != std::string::npos);
    }
    for (const auto& flag : node.flags) {
      INFO(flag.name);
      CHECK(man.find(flag.name) != std::string::npos);
    }
  }
}
