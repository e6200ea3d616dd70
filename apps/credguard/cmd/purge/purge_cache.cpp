#include "cmd/purge/purge_cache.hpp"

#include "cmd/commands.hpp"
#include "cmd/incident/confirm.hpp"
#include "cmd/incident/plan_output.hpp"
#include "cmd/incident/services.hpp"

#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/core/time_format.hpp>
#include <credguard/incident/common_steps.hpp>
#include <credguard/journal/names.hpp>
#include <credguard/registry/model_version.hpp>
#include <credguard/triage/incident_id.hpp>

#include <fmt/format.h>

namespace credguard::cli {

namespace {

std::set<incident::Layer> chosen_layers(const std::vector<std::string>& names)
{
  std::set<incident::Layer> layers;
  for (const auto& name : names) {
    auto layer = incident::parse_layer(name);
    if (!layer) {
      throw Error(ErrorKind::usage, fmt::format("--layers: unknown layer \"{}\"", name),
                  "choose among gateway, serving, vector, cdn");
    }
    layers.insert(*layer);
  }
  if (layers.empty()) {
    layers.insert(incident::all_layers().begin(), incident::all_layers().end());
  }
  return layers;
}

// The denylist step runs only when the purge left something behind: a
// cache that could not be purged must not serve the version.
incident::Step guarded_denylist(incident::Step denylist, std::shared_ptr<bool> purge_failed)
{
  auto inner = denylist.run;
  denylist.description = "if any purge fails: " + denylist.description;
  denylist.run = [inner, purge_failed](const incident::StepContext& context) {
    if (!*purge_failed) {
      return incident::StepResult{incident::Outcome::skipped, "every endpoint purged: no denylist needed",
                                  nlohmann::json::object()};
    }
    auto result = inner(context);
    if (result.outcome == incident::Outcome::skipped) {
      // A cache still holds the version and nothing blocks it: say so loudly.
      result.outcome = incident::Outcome::failed;
      result.summary = "a cache could not be purged and the version is NOT blocked: " + result.summary;
    }
    return result;
  };
  return denylist;
}

} // namespace

int run_purge_cache(const PurgeCacheOptions& options, Context& ctx)
{
  auto format = ctx.output_format({OutputFormat::table, OutputFormat::json});
  registry::validate_model_name(options.model);
  registry::validate_version_label(options.version);
  if (!options.incident.empty()) {
    triage::validate_incident_id(options.incident);
  }
  auto layers = chosen_layers(options.layers);
  IncidentWiring wiring(ctx, {false, false, false});
  auto& services = wiring.services();
  auto targets = services.purge.only(layers);
  if (targets.empty()) {
    throw Error(ErrorKind::config, "no cache endpoint is configured for the chosen layers",
                "configure purge.gateway, purge.torchserve, purge.triton, purge.vector or purge.cdn");
  }
  std::string actor = journal::resolve_identity(ctx.env(), ctx.global.actor).actor;
  std::string reason = options.reason.empty() ? "cache purge" : options.reason;
  incident::Plan plan{
      std::string(journal::command::purge_cache), options.incident, options.model + "@" + options.version, reason, {}};
  auto purge_failed = std::make_shared<bool>(false);
  auto purge = incident::purge_step(ctx.http(), targets, ctx.clock(), options.model, options.version);
  auto inner = purge.run;
  purge.run = [inner, purge_failed](const incident::StepContext& context) {
    auto result = inner(context);
    *purge_failed = result.outcome == incident::Outcome::failed;
    return result;
  };
  plan.steps.push_back(std::move(purge));
  incident::DenylistEntry entry{options.model, options.version, options.incident, reason, ctx.clock().now()};
  plan.steps.push_back(guarded_denylist(
      incident::denylist_step(ctx.http(), services.serving, services.cluster, ctx.clock(), entry), purge_failed));

  nlohmann::json document{{"schema_version", 1},    {"command", "purge-cache"},   {"incident", options.incident},
                          {"model", options.model}, {"version", options.version}, {"dry_run", options.dry_run},
                          {"plan", plan_json(plan)}};
  if (format == OutputFormat::table) {
    print_plan(ctx, plan);
  }
  auto run =
      run_confirmed(ctx, plan, format, options.dry_run, options.yes,
                    fmt::format("Purge {} from {} endpoint(s)?", plan.target, targets.endpoints.size()), document);
  if (!run.report) {
    return run.exit_code;
  }
  const auto& report = *run.report;
  const auto* purged = report.find("purge");
  nlohmann::json evidence = purged != nullptr ? purged->evidence : nlohmann::json::object();

  if (format == OutputFormat::json) {
    document["steps"] = report_json(report);
    document["endpoints"] = evidence.value("endpoints", nlohmann::json::array());
    document["actor"] = actor;
    document["duration_ms"] = report.duration.count();
    document["exit_code"] = report.exit_code();
    ctx.out() << document.dump(2) << '\n';
    return report.exit_code();
  }
  print_purge_table(ctx, evidence, actor);
  ctx.out() << '\n';
  print_report(ctx, report);
  ctx.out() << fmt::format("\nTotal {}.\n", format_duration(report.duration));
  return report.exit_code();
}

void add_purge_cache_command(CLI::App& cmd, Context& ctx, RunFn<PurgeCacheOptions> run,
                             RunFn<PurgeBureauOptions> bureau)
{
  auto options = std::make_shared<PurgeCacheOptions>();
  // Not required() for CLI11: `purge-cache bureau` takes none. The callback
  // asks for them, with CLI11's own error, when no subcommand was given.
  auto* model = cmd.add_option("MODEL", options->model, "Model name");
  auto* version = cmd.add_option("VERSION", options->version, "Model version");
  cmd.add_option("--layers", options->layers,
                 "Layers to purge, comma-separated: gateway,serving,vector,cdn (default all)")
      ->delimiter(',')
      ->check(CLI::IsMember({"gateway", "serving", "vector", "cdn"}));
  cmd.add_option("--incident", options->incident, "Incident or change ID to journal under; rerunning with it resumes");
  cmd.add_option("--reason", options->reason, "Why, for the journal");
  cmd.add_flag("--dry-run", options->dry_run, "Print the plan and change nothing");
  cmd.add_flag("-y,--yes", options->yes, "Do not ask for confirmation (needed without a terminal)");
  add_purge_bureau(cmd, ctx, std::move(bureau));
  // Subcommands' callbacks run first; the one that was given sets the action.
  cmd.callback([&ctx, &cmd, model, version, options, run] {
    auto subcommands = cmd.get_subcommands();
    if (!subcommands.empty()) {
      // What was given to the model form (CLI11 lets a subcommand's unknown
      // flags fall through to its parent) would silently be ignored.
      for (const auto* option : cmd.get_options()) {
        if (option->count() > 0) {
          throw CLI::ExtrasError(fmt::format("{} {} does not take {} (that is for {} MODEL VERSION)", cmd.get_name(),
                                             subcommands.front()->get_name(), option->get_name(), cmd.get_name()),
                                 CLI::ExitCodes::ExtrasError);
        }
      }
      return;
    }
    for (const auto* positional : {model, version}) {
      if (positional->count() == 0) {
        throw CLI::RequiredError(positional->get_name());
      }
    }
    ctx.action = [&ctx, options, run] { return run(*options, ctx); };
  });
  cmd.footer("Two forms:\n"
             "  credguard purge-cache MODEL VERSION [--layers ...] [--incident ID] [--yes]\n"
             "  credguard purge-cache bureau [--batch-size N] [--dry-run] [--textfile DIR]\n"
             "\n"
             "Every endpoint of the chosen layers (purge.* in the configuration) is purged concurrently,\n"
             "retried on failure, and verified where the layer allows it. When any endpoint fails the\n"
             "version is denylisted (serving.denylist_url / serving.denylist_configmap) and the exit is 2.\n"
             "\n"
             "purge-cache bureau (the daily cleanup, no MODEL VERSION) deletes the expired rows of the\n"
             "bureau_cache table in bounded batches instead: see 'credguard purge-cache bureau --help'.\n"
             "A model literally named bureau: credguard purge-cache -- bureau VERSION.");
}

void add_purge_cache(CLI::App& cmd, Context& ctx)
{
  add_purge_cache_command(cmd, ctx);
}

} // namespace credguard::cli
