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

void check_incident(const std::string& incident)
{
  static const std::regex k_id("[A-Za-z0-9][A-Za-z0-9._-]*");
  if (!incident.empty() && !std::regex_match(incident, k_id)) {
    throw Error(
        ErrorKind::usage,
        fmt::format("--incident \"{}\": expected letters, digits, '.', '_' and '-' (e.g. INC-20261123-001)", incident));
  }
}

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
      std::ostringstream buffer;
      buffer << ctx.in().rdbuf();
      text = buffer.str();
    } else {
      text = read_file(o.event_file);
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
  auto verdict = triage::decide(event_from(options, ctx), t);
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
  return to_int(triage::exit_code(verdict.decision));
}

int run_batch(const TriageOptions& options, Context& ctx, OutputFormat format, const triage::Thresholds& t)
{
  auto result = triage::triage_stream(ctx.in(), "stdin", t, {options.maintenance, options.recent_deploy});
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
                           "triage.batch",
                           "stdin",
                           worst,
                           options.reason,
                           {{"summary", triage::summary_json(result)},
                            {"events", kept},
                            {"omitted", omitted},
                            {"thresholds", triage::to_json(t)}}});
  render_batch(ctx, format, result, incident, journaled);
  return to_int(result.exit_code());
}

} // namespace

int run_triage(const TriageOptions& options, Context& ctx)
{
  auto format = ctx.output_format({OutputFormat::table, OutputFormat::json});
  if (options.list_scenarios || !options.scenario.empty() || !options.signals.empty()) {
    return run_triage_scenarios(options, ctx);
  }
  check_incident(options.incident);
  auto thresholds = triage::thresholds_from(ctx.config());
  return options.batch ? run_batch(options, ctx, format, thresholds) : run_single(options, ctx, format, thresholds);
}

void configure_triage(CLI::App& cmd, Context& ctx, RunFn<TriageOptions> run)
{
  auto o = std::make_shared<TriageOptions>();
  auto* risk =
      cmd.add_option("--risk-score", o->risk_score, "The guard trip's risk score (0-1)")->check(CLI::Range(0.0, 1.0));
  auto* misses = cmd.add_option("--heartbeat-misses", o->heartbeat_misses, "Heartbeat misses of the capsule")
                     ->check(CLI::NonNegativeNumber);
  auto* tenant = cmd.add_option("--tenant", o->tenant, "Tenant ID");
  auto* capsule = cmd.add_option("--capsule", o->capsule, "Capsule hash");
  auto* model =
      cmd.add_option("--model", o->model, "The model version involved, MODEL@VERSION (for the next commands)");
  auto* capsules =
      cmd.add_option("--capsules-affected", o->capsules_affected, "How many capsules tripped at once (default 1)")
          ->check(CLI::PositiveNumber);
  cmd.add_flag("--maintenance", o->maintenance, "A maintenance window is active (ConfigMap maintenance-status)");
  cmd.add_flag("--recent-deploy", o->recent_deploy, "The affected workload was deployed recently");
  auto* event = cmd.add_option("--event", o->event_file, "Read one GuardTrip event from a JSON file ('-': stdin)")
                    ->type_name("FILE");
  auto* batch = cmd.add_flag("--batch", o->batch, "Triage a stream of JSON Lines GuardTrip events on stdin");
  cmd.add_option("--incident", o->incident, "Journal under this incident ID (default: a new INC-YYYYMMDD-NNN)");
  cmd.add_option("--reason", o->reason, "Why, for the journal");
  auto* list = cmd.add_flag("--list-scenarios", o->list_scenarios, "List the incident scenarios");
  auto* scenario = cmd.add_option("--scenario", o->scenario, "Print the playbook of scenario NAME")->type_name("NAME");
  auto* signals = cmd.add_option("--signals", o->signals, "Rank the scenarios matching these signals (comma-separated)")
                      ->delimiter(',')
                      ->type_name("LIST");
  for (auto* input : {risk, misses, tenant, capsule, model, capsules, event}) {
    batch->excludes(input);
  }
  for (auto* mode : {list, scenario, signals}) {
    for (auto* other : {risk, misses, tenant, capsule, model, capsules, event, batch, list, scenario, signals}) {
      if (other != mode) {
        mode->excludes(other);
      }
    }
  }
  cmd.footer("Exit status: 0 false positive, 1 monitor or investigate, 2 legitimate incident (a batch: its worst).\n"
             "A value on a band edge belongs to the band above: risk 0.5 is medium, 0.8 is roll back,\n"
             "exactly 3 heartbeat misses is suspicious, 5 is compromise. Thresholds: the triage config section.");
  on_parsed(cmd, ctx, o, std::move(run));
}

void add_triage(CLI::App& cmd, Context& ctx)
{
  configure_triage(cmd, ctx);
}

} // namespace credguard::cli
