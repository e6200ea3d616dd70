#include "cmd/triage/triage.hpp"

#include "cmd/commands.hpp"

#include <credguard/core/error.hpp>
#include <credguard/core/files.hpp>
#include <credguard/core/time_format.hpp>
#include <credguard/triage/incident_id.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <regex>
#include <sstream>

namespace credguard::cli {

namespace {

// The journal, or nullptr with a warning: triage changes nothing, so a
// journal that cannot be opened does not stop it.
journal::Journal* open_journal(Context& ctx)
{
  try {
    return &ctx.journal();
  } catch (const Error& e) {
    ctx.log().warn(fmt::format("triage will not be recorded in the journal: {}", e.what()));
    return nullptr;
  }
}

std::string incident_for(const TriageOptions& options, Context& ctx, journal::Journal* journal)
{
  if (!options.incident.empty()) {
    return options.incident;
  }
  auto now = ctx.clock().now();
  std::vector<std::string> ids;
  if (journal != nullptr) {
    journal::Filter today;
    today.since = parse_rfc3339(format_rfc3339_seconds(now).substr(0, 10));
    for (const auto& entry : journal->list(today)) {
      ids.push_back(entry.what.incident);
    }
  } else {
    ctx.log().warn("the generated incident ID may not be unique: the journal could not be read");
  }
  return triage::next_incident_id(now, ids);
}

bool record(Context& ctx, journal::Journal* journal, journal::EntryDraft draft)
{
  if (journal == nullptr) {
    return false;
  }
  try {
    journal->append(std::move(draft));
    return true;
  } catch (const Error& e) {
    ctx.log().warn(fmt::format("triage was not recorded in the journal: {}", e.what()));
    return false;
  }
}

triage::GuardTripEvent event_from(const TriageOptions& o, Context& ctx)
{
  triage::GuardTripEvent e;
  if (!o.event_file.empty()) {
    std::string text;
    if (o.event_file == "-") {
      text = read_stream(ctx.in(), triage::k_max_event_bytes, "--event -: stdin");
    } else {
      text = read_file(o.event_file, triage::k_max_event_bytes);
    }
    e = triage::parse_event_document(text, o.event_file == "-" ? "stdin" : o.event_file);
  }
  if (o.risk_score && std::isnan(*o.risk_score)) {
    throw Error(ErrorKind::usage, "--risk-score: expected a number between 0 and 1");
  }
  e.risk_score = o.risk_score ? o.risk_score : e.risk_score;
  e.heartbeat_misses = o.heartbeat_misses ? o.heartbeat_misses : e.heartbeat_misses;
  e.capsules_affected = o.capsules_affected.value_or(e.capsules_affected);
  for (auto [flag, field] : {std::pair{&o.tenant, &e.tenant}, {&o.capsule, &e.capsule}, {&o.model, &e.model}}) {
    if (!flag->empty()) {
      *field = *flag;
    }
  }
  e.maintenance = e.maintenance || o.maintenance;
  e.recent_deploy = e.recent_deploy || o.recent_deploy;
  if (!e.model.empty() && !triage::valid_model_ref(e.model)) {
    throw Error(ErrorKind::usage, fmt::format("--model \"{}\": expected MODEL or MODEL@VERSION", e.model));
  }
  if (!e.risk_score) {
    throw Error(ErrorKind::usage, "nothing to triage: give --risk-score, --event FILE or --batch",
                "or look at the scenarios: --list-scenarios, --scenario NAME, --signals LIST");
  }
  return e;
}

int run_single(const TriageOptions& options, Context& ctx, OutputFormat format, const triage::Thresholds& t)
{
  auto event = event_from(options, ctx);
  std::optional<triage::MaintenanceWindow> window;
  if (!event.maintenance) {
    window = cluster_maintenance(ctx);
    event.maintenance = window && window->active == true;
  }
  auto verdict = triage::decide(std::move(event), t);
  if (window) {
    verdict.path.insert(verdict.path.begin(), {"maintenance (cluster)",
                                               !window->active   ? "unknown"
                                               : *window->active ? "active"
                                                                 : "none",
                                               window->detail});
  }
  auto* journal = open_journal(ctx);
  auto incident = incident_for(options, ctx, journal);
  auto evidence = triage::to_json(verdict);
  evidence["next"] = triage::to_json(triage::next_steps(verdict, incident));
  evidence["thresholds"] = triage::to_json(t);
  const auto& e = verdict.event;
  std::string target = !e.model.empty() ? e.model : !e.capsule.empty() ? "capsule:" + e.capsule : "guard-trip";
  bool journaled = record(ctx, journal,
                          {ctx.command_line(), incident, "triage.decision", target,
                           std::string(triage::to_string(verdict.decision)), options.reason, evidence});
  render_verdict(ctx, format, verdict, incident, journaled);
  int code = to_int(triage::exit_code(verdict.decision));
  return options.execute ? execute_verdict(options, ctx, verdict, incident, code) : code;
}

int run_batch(const TriageOptions& options, Context& ctx, OutputFormat format, const triage::Thresholds& t)
{
  auto result = triage::triage_stream(ctx.in(), "stdin", t, {options.maintenance, options.recent_deploy});
  return finish_batch(options, ctx, format, t, result, "triage.batch", "stdin", nlohmann::json::object());
}

} // namespace

int finish_batch(const TriageOptions& options, Context& ctx, OutputFormat format, const triage::Thresholds& t,
                 const triage::BatchResult& result, const std::string& action, const std::string& target,
                 const nlohmann::json& context)
{
  auto* journal = open_journal(ctx);
  auto incident = incident_for(options, ctx, journal);
  // The journal keeps the events that need attention, not every false positive.
  constexpr std::size_t k_kept = 1000;
  nlohmann::json kept = nlohmann::json::array();
  std::size_t omitted = 0;
  for (const auto& item : result.items) {
    if (item.verdict.decision == triage::Decision::false_positive) {
      continue;
    }
    if (kept.size() == k_kept) {
      ++omitted;
      continue;
    }
    auto json = triage::to_json(item.verdict);
    kept.push_back({{"line", item.line},
                    {"decision", json["decision"]},
                    {"severity", json["severity"]["level"]},
                    {"inputs", json["inputs"]}});
  }
  auto worst = result.exit_code() == ExitCode::critical  ? "legitimate"
               : result.exit_code() == ExitCode::warning ? "investigate"
                                                         : "false_positive";
  bool journaled = record(ctx, journal,
                          {ctx.command_line(),
                           incident,
                           action,
                           target,
                           worst,
                           options.reason,
                           {{"summary", triage::summary_json(result)},
                            {"events", kept},
                            {"omitted", omitted},
                            {"thresholds", triage::to_json(t)},
                            {"context", context}}});
  render_batch(ctx, format, result, incident, journaled);
  return to_int(result.exit_code());
}

int run_triage(const TriageOptions& options, Context& ctx)
{
  auto format = ctx.output_format({OutputFormat::table, OutputFormat::json});
  if (options.list_scenarios || !options.scenario.empty() || !options.signals.empty()) {
    return run_triage_scenarios(options, ctx);
  }
  if (!options.incident.empty()) {
    triage::validate_incident_id(options.incident);
  }
  auto thresholds = triage::thresholds_from(ctx.config());
  if (options.execute && format == OutputFormat::json) {
    throw Error(ErrorKind::usage, "--execute prints rollback's report after the verdict: use --output table",
                "or run the verdict's next command (credguard rollback ...) yourself with --output json");
  }
  if (options.from_cluster) {
    return run_triage_from_cluster(options, ctx, format, thresholds);
  }
  return options.batch ? run_batch(options, ctx, format, thresholds) : run_single(options, ctx, format, thresholds);
}

void configure_triage(CLI::App& cmd, Context& ctx, RunFn<TriageOptions> run)
{
  auto o = std::make_shared<TriageOptions>();
  auto* risk =
      cmd.add_option("--risk-score", o->risk_score, "The guard trip's risk score (0-1)")->check(number_between(0, 1));
  auto* misses = cmd.add_option("--heartbeat-misses", o->heartbeat_misses, "Heartbeat misses of the capsule")
                     ->check(number_at_least(0, "NONNEGATIVE"));
  auto* tenant = cmd.add_option("--tenant", o->tenant, "Tenant ID");
  auto* capsule = cmd.add_option("--capsule", o->capsule, "Capsule hash");
  auto* model =
      cmd.add_option("--model", o->model, "The model version involved, MODEL@VERSION (for the next commands)");
  auto* capsules =
      cmd.add_option("--capsules-affected", o->capsules_affected, "How many capsules tripped at once (default 1)")
          ->check(number_above(0, "POSITIVE"));
  cmd.add_flag("--maintenance", o->maintenance, "A maintenance window is active (ConfigMap maintenance-status)");
  cmd.add_flag("--recent-deploy", o->recent_deploy, "The affected workload was deployed recently");
  auto* event = cmd.add_option("--event", o->event_file, "Read one GuardTrip event from a JSON file ('-': stdin)")
                    ->type_name("FILE");
  auto* batch = cmd.add_flag("--batch", o->batch, "Triage a stream of JSON Lines GuardTrip events on stdin");
  auto* cluster = cmd.add_flag("--from-cluster", o->from_cluster,
                               "Triage the GuardTrip events of the incident bot's recent log (Kubernetes)");
  auto* selector = cmd.add_option("--selector", o->selector,
                                  "--from-cluster: label selector of the bot's pods (default app=incident-bot)")
                       ->type_name("LABELS")
                       ->needs(cluster);
  for (auto* option : {cmd.add_option("--namespace", o->ns, "--from-cluster: the bot's namespace (default monitoring)")
                           ->type_name("NS"),
                       cmd.add_option("--pod", o->pod, "--from-cluster: read this pod instead of the selector's")
                           ->type_name("NAME")
                           ->excludes(selector),
                       cmd.add_option("--since", o->since, "--from-cluster: how far back the log is read (default 1h)")
                           ->type_name("DURATION"),
                       cmd.add_option("--container", o->container, "--from-cluster: the container whose log is read")
                           ->type_name("NAME")}) {
    option->needs(cluster);
  }
  auto* execute =
      cmd.add_flag("--execute", o->execute, "On a legitimate incident, run credguard rollback for the event's model");
  cmd.add_flag("-y,--yes", o->yes, "--execute: do not ask before rolling back (needed without a terminal)")
      ->needs(execute);
  cmd.add_flag("--dry-run", o->dry_run, "--execute: print rollback's plan and change nothing")->needs(execute);
  cmd.add_option("--incident", o->incident, "Journal under this incident ID (default: a new INC-YYYYMMDD-NNN)");
  cmd.add_option("--reason", o->reason, "Why, for the journal");
  auto* list = cmd.add_flag("--list-scenarios", o->list_scenarios, "List the incident scenarios");
  auto* scenario = cmd.add_option("--scenario", o->scenario, "Print the playbook of scenario NAME")->type_name("NAME");
  auto* signals = cmd.add_option("--signals", o->signals, "Rank the scenarios matching these signals (comma-separated)")
                      ->delimiter(',')
                      ->type_name("LIST");
  for (auto* input : {risk, misses, tenant, capsule, model, capsules, event}) {
    batch->excludes(input);
    cluster->excludes(input);
  }
  cluster->excludes(batch);
  // A batch has many verdicts: which one to roll back is the commander's call.
  execute->excludes(batch)->excludes(cluster);
  for (auto* mode : {list, scenario, signals}) {
    for (auto* other :
         {risk, misses, tenant, capsule, model, capsules, event, batch, cluster, execute, list, scenario, signals}) {
      if (other != mode) {
        mode->excludes(other);
      }
    }
  }
  cmd.footer("Exit status: 0 false positive, 1 monitor or investigate, 2 legitimate incident (a batch: its worst).\n"
             "A value on a band edge belongs to the band above: risk 0.5 is medium, 0.8 is roll back,\n"
             "exactly 3 heartbeat misses is suspicious, 5 is compromise. Thresholds: the triage config section.\n"
             "With a cluster configured, an active window in ConfigMap maintenance-status (data active: \"true\",\n"
             "until/from: RFC 3339) counts as --maintenance. --execute exits with rollback's status when it runs.");
  on_parsed(cmd, ctx, o, std::move(run));
}

void add_triage(CLI::App& cmd, Context& ctx)
{
  configure_triage(cmd, ctx);
}

} // namespace credguard::cli
