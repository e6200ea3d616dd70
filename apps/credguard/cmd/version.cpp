#include "cli/app.hpp"
#include "cmd/commands.hpp"

#include <nlohmann/json.hpp>

namespace credguard::cli {

void add_version(CLI::App& cmd, Context& ctx)
{
  cmd.callback([&ctx] {
    ctx.action = [&ctx] {
      if (ctx.output_format({OutputFormat::table, OutputFormat::json}) == OutputFormat::json) {
        ctx.out() << nlohmann::json{{"schema_version", 1}, {"name", "credguard"}, {"version", version()}}.dump(2)
                  << '\n';
      } else {
        ctx.out() << "credguard " << version() << '\n';
      }
      return 0;
    };
  });
}

} // namespace credguard::cli
