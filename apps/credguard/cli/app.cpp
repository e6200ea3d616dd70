#include "cli/app.hpp"

#include "cli/verb.hpp"
#include "cmd/commands.hpp"
#include "cmd/status/status.hpp"

#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>

#include <fmt/format.h>

namespace credguard::cli {

namespace {

constexpr std::string_view k_footer =
    "Exit status: 0 ok, 1 warning, 2 critical or action failed, 3 unknown, 64 usage, 65 bad data,\n"
    "69 service unavailable, 70 internal error, 74 I/O error, 75 job locked, 77 permission, 78 configuration,\n"
    "130 interrupted. See credguard(1).";

// The full path of a subcommand: "journal list".
std::string command_path(const CLI::App* app)
{
  std::vector<std::string> names;
  for (; app != nullptr && app->get_parent() != nullptr; app = app->get_parent()) {
    names.insert(names.begin(), app->get_name());
  }
  return join(names, " ");
}

const CLI::App* deepest_parsed(const CLI::App& app)
{
  for (const auto* sub : app.get_subcommands()) {
    return deepest_parsed(*sub);
  }
  return &app;
}

} // namespace

namespace {

// CLI11 passes the option's text; the value is checked as a number.
CLI::Validator number_check(std::function<std::string(double, const std::string&)> check, const std::string& name)
{
  return CLI::Validator(
      [check = std::move(check)](std::string& input) -> std::string {
        auto value = parse_double(input);
        return value ? check(*value, input) : fmt::format("{} is not a number", input);
      },
      name);
}

} // namespace

CLI::Validator number_at_least(double low, const std::string& name)
{
  return number_check(
      [low](double value, const std::string& input) {
        return value >= low ? std::string() : fmt::format("{} is below {}", input, low);
      },
      name);
}

CLI::Validator number_above(double low, const std::string& name)
{
  return number_check(
      [low](double value, const std::string& input) {
        return value > low ? std::string() : fmt::format("{} is not above {}", input, low);
      },
      name);
}

CLI::Validator number_between(double low, double high)
{
  return number_check(
      [low, high](double value, const std::string& input) {
        return value >= low && value <= high ? std::string() : fmt::format("{} is not from {} to {}", input, low, high);
      },
      fmt::format("[{} - {}]", low, high));
}

CLI::Option* add_choice(CLI::App& cmd, const std::string& name, std::string& value,
                        const std::vector<std::string>& choices, const std::string& help)
{
  return cmd.add_option(name, value, help)->check(CLI::IsMember(choices));
}

std::string_view version()
{
  return CREDGUARD_VERSION;
}

const std::vector<CommandSpec>& commands()
{
  static const std::vector<CommandSpec> k_commands = {
      {"checklist", "Run an operations checklist (daily, weekly, monthly) or the shift handover report", add_checklist},
      {"triage", "Triage a guard trip (decision tree, severity, next commands); incident scenarios", add_triage},
      {"postmortem", "Write the 7-section post-mortem of an incident from the journal", add_postmortem},
      {"journal", "Read and verify the tamper-evident audit journal", add_journal},
      {"psi", "Population Stability Index (drift) between a baseline and a current dataset", add_psi},
      {"revoke", "Stop a model version serving now, everywhere, with every step journaled", add_revoke},
      {"quarantine", "Isolate a suspect model version: block serving, WORM forensic copy, deadline", add_quarantine},
      {"rollback", "Move production back to a healthy Approved version: pre-warm, purge, validate SLOs", add_rollback},
      {"status", "Prove where a model version stands: registry, aliases, denylists, caches, CronJobs",
       [](CLI::App& cmd, Context& ctx) { add_status(cmd, ctx); }},
      {"purge-cache", "Purge a model version from every cache layer (denylist on failure); bureau: expired rows",
       add_purge_cache},
      {"backup", "Scheduled jobs: database backups, verification, restore tests, job archiving", add_backup},
      {"completion", "Print the shell completion script (bash, zsh, fish)", add_completion},
      {"version", "Print the version", add_version},
  };
  return k_commands;
}

std::unique_ptr<CLI::App> build_app(Context& ctx)
{
  auto app = std::make_unique<CLI::App>(
      "credguard: the SRE toolkit of the CredGuard credit-scoring platform.\n"
      "Shift checklists, drift, incident response (revoke, quarantine, rollback), backups and an audit journal.",
      "credguard");
  app->footer(std::string(k_footer));
  app->fallthrough();
  app->require_subcommand(0, 1);
  app->set_version_flag("--version", std::string(version()));
  auto& g = ctx.global;
  app->add_option("--config", g.config_path,
                  "Configuration file (default: $CREDGUARD_CONFIG, "
                  "~/.config/credguard/config.yaml, /etc/credguard/config.yaml)")
      ->type_name("FILE");
  add_choice(*app, "--output", g.output, {"table", "json", "junit"},
             "Output format: table (default) or json; junit for checklists");
  app->add_flag("-q,--quiet", g.quiet, "No progress on stderr, only warnings and errors");
  app->add_flag("-v,--verbose", g.verbose, "More detail on stderr (HTTP exchanges, config source)");
  app->add_flag("--no-color", g.no_color, "No colour (also: NO_COLOR)");
  app->add_flag("--insecure", g.insecure, "Do not verify TLS certificates (journaled; prefer http.ca_bundle)");
  app->add_option("--actor", g.actor, "Who is acting, for the journal (default: $SUDO_USER or the OS user)");
  for (const auto& spec : commands()) {
    auto* cmd = app->add_subcommand(std::string(spec.name), std::string(spec.summary));
    spec.add(*cmd, ctx);
  }
  return app;
}

int run(const std::vector<std::string>& args, Context& ctx)
{
  ctx.argv.assign({"credguard"});
  ctx.argv.insert(ctx.argv.end(), args.begin(), args.end());
  ctx.action = nullptr;
  auto app = build_app(ctx);
  try {
    std::vector<std::string> reversed(args.rbegin(), args.rend());
    app->parse(reversed);
  } catch (const CLI::CallForHelp&) {
    ctx.out() << app->help();
    return to_int(ExitCode::ok);
  } catch (const CLI::CallForAllHelp&) {
    ctx.out() << app->help("", CLI::AppFormatMode::All);
    return to_int(ExitCode::ok);
  } catch (const CLI::CallForVersion&) {
    ctx.out() << "credguard " << version() << '\n';
    return to_int(ExitCode::ok);
  } catch (const CLI::ParseError& e) {
    std::string path = command_path(deepest_parsed(*app));
    ctx.err() << "credguard: error: " << escape_controls(e.what(), true) << '\n'
              << "Run 'credguard " << (path.empty() ? "" : path + " ") << "--help' for usage.\n";
    return to_int(ExitCode::usage);
  } catch (const Error& e) {
    ctx.err() << "credguard: error: " << escape_controls(e.what(), true) << '\n';
    return to_int(exit_code_for(e.kind()));
  }
  if (!ctx.action) {
    const CLI::App* chosen = deepest_parsed(*app);
    ctx.err() << chosen->help();
    ctx.err() << "credguard: error: a command is required\n";
    return to_int(ExitCode::usage);
  }
  try {
    return ctx.action();
  } catch (const Error& e) {
    ctx.err() << "credguard: error: " << escape_controls(e.what(), true) << '\n';
    if (!e.hint().empty()) {
      ctx.err() << "hint: " << escape_controls(e.hint(), true) << '\n';
    }
    return to_int(exit_code_for(e.kind()));
  } catch (const std::exception& e) {
    ctx.err() << "credguard: error: internal error: " << escape_controls(e.what(), true) << '\n'
              << "hint: this is a bug; please report it with the command line (credguard -v ...)\n";
    return to_int(ExitCode::internal);
  }
}

int run(int argc, char** argv, Context& ctx)
{
  std::vector<std::string> args(argv + 1, argv + argc);
  return run(args, ctx);
}

} // namespace credguard::cli
