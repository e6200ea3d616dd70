#include "cli/completion.hpp"

#include "cli/app.hpp"
#include "cmd/commands.hpp"

namespace credguard::cli {

int run_completion(const CompletionOptions& options, Context& ctx)
{
  ctx.out() << generate_completion(*options.root, options.shell);
  return 0;
}

void add_completion(CLI::App& cmd, Context& ctx)
{
  auto options = std::make_shared<CompletionOptions>();
  const CLI::App* root = &cmd;
  while (root->get_parent() != nullptr) {
    root = root->get_parent();
  }
  options->root = root;
  add_choice(cmd, "shell", options->shell, {"bash", "zsh", "fish"}, "The shell to complete for")->required();
  cmd.footer("Install: credguard completion bash > /etc/bash_completion.d/credguard\n"
             "         credguard completion zsh > \"${fpath[1]}/_credguard\"\n"
             "         credguard completion fish > ~/.config/fish/completions/credguard.fish");
  on_parsed<CompletionOptions>(cmd, ctx, options, run_completion);
}

} // namespace credguard::cli
