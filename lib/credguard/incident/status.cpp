#include <credguard/core/error.hpp>
#include <credguard/core/redact.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/core/time_format.hpp>
#include <credguard/incident/status.hpp>
#include <credguard/journal/names.hpp>
#include <credguard/registry/model_version.hpp>

#include <fmt/format.h>

#include <map>

namespace credguard::incident {

namespace {

using nlohmann::json;

// The last verified purge of each endpoint id for this version, from
// purge steps' evidence: {id: entry}.
struct PurgeRecord {
  std::string at;
  std::int64_t seq = 0;
};

std::map<std::string, PurgeRecord> last_purges(const std::vector<journal::Entry>& journal, const std::string& target)
{
  std::map<std::string, PurgeRecord> purges;
  for (const auto& entry : journal) {
    if (entry.what.target != target || !journal::is_step(entry.what.action, journal::step::purge) ||
        !journal::reached(entry.what.outcome)) {
      continue;
    }
    for (const auto& item : entry.what.evidence.value("endpoints", json::array())) {
      if (item.is_object() && item.value("ok", false)) {
        purges[item.value("id", "")] = PurgeRecord{item.value("at", entry.time), entry.seq};
      }
    }
  }
  return purges;
}

// What the journal says credguard last did to the version's state: the
// mark of a revoke or quarantine, undone by a quarantine release.
std::pair<std::string, const journal::Entry*> journaled_state(const std::vector<journal::Entry>& journal,
                                                              const std::string& target)
{
  std::pair<std::string, const journal::Entry*> found{"", nullptr};
  auto release = journal::action(journal::command::quarantine_release, "restore");
  for (const auto& entry : journal) {
    if (entry.what.target != target || !journal::reached(entry.what.outcome)) {
      continue;
    }
    const auto& action = entry.what.action;
    if (action == journal::action(journal::command::revoke, journal::step::mark)) {
      found = {registry::k_state_revoked, &entry};
    } else if (action == journal::action(journal::command::quarantine, journal::step::mark)) {
      found = {registry::k_state_quarantined, &entry};
    } else if (action == release) {
      found = {"", &entry};
    }
  }
  return found;
}

Place denylist_place(Services& services, const std::string& model, const std::string& version)
{
  const auto& serving = services.serving;
  std::string url = expand(serving.denylist_url, model, version);
  Place place{"denylist", "gateway " + redact_url(url), Standing::unknown, ""};
  http::Request request;
  request.url = url;
  request.idempotent = true;
  if (serving.denylist_token) {
    request.header("Authorization", "Bearer " + serving.denylist_token->reveal());
  }
  auto answer = services.http.perform(request);
  if (answer.ok()) {
    place.standing = Standing::blocked;
    place.detail = fmt::format("listed (GET answered {})", answer.status);
  } else if (answer.transport_ok() && answer.status == 404) {
    place.standing = Standing::serving;
    place.detail = "not listed (GET answered 404)";
  } else {
    place.detail = answer.transport_ok() ? fmt::format("GET answered HTTP {}", answer.status) : answer.error_message;
  }
  return place;
}

Place configmap_place(Services& services, const std::string& model, const std::string& version)
{
  const auto& name = services.serving.denylist_configmap;
  if (services.cluster == nullptr) {
    return Place{"configmap", "configmap " + name, Standing::unknown,
                 "Kubernetes is not configured: the ConfigMap cannot be read"};
  }
  Place place{"configmap", fmt::format("configmap {} ({})", name, services.cluster->describe()), Standing::unknown, ""};
  std::string key = model + "." + version;
  try {
    bool listed = services.cluster->configmap_entry(name, key).has_value();
    place.standing = listed ? Standing::blocked : Standing::serving;
    place.detail = listed ? "key " + key + " present" : "key " + key + " absent";
  } catch (const Error& e) {
    place.detail = e.what();
  }
  return place;
}

void add_cache_places(Proof& proof, Services& services, const std::vector<journal::Entry>& journal)
{
  std::string target = proof.model + "@" + proof.version;
  auto purges = last_purges(journal, target);
  SystemTime now = services.clock.now();
  for (const auto& probe : probe(services.http, services.purge, proof.model, proof.version)) {
    Place place{"cache", probe.layer + "/" + probe.id.substr(probe.id.find('/') + 1), Standing::unknown, probe.detail};
    auto purge = purges.find(probe.id);
    std::string purged = purge == purges.end()
                             ? std::string("no purge journaled")
                             : fmt::format("purged at {} (entry {})", purge->second.at, purge->second.seq);
    if (!probe.observable) {
      place.standing = purge == purges.end() ? Standing::unknown : Standing::blocked;
      place.detail = fmt::format("{}; this layer has no read-back", purged);
    } else if (probe.holds == false) {
      place.standing = Standing::blocked;
    } else if (probe.holds == true && probe.age_s && purge != purges.end()) {
      auto purged_at = parse_rfc3339(purge->second.at).value_or(SystemTime{});
      bool stale = cached_before(*probe.age_s, purged_at, now);
      place.standing = stale ? Standing::serving : Standing::blocked;
      place.detail = stale ? fmt::format("{}, stored before the last purge ({})", probe.detail, purged)
                           : fmt::format("{}, stored after the last purge ({})", probe.detail, purged);
    } else if (probe.holds == true) {
      place.standing = Standing::serving;
    }
    proof.places.push_back(std::move(place));
  }
}

void add_cronjob_places(Proof& proof, Services& services)
{
  if (services.cluster == nullptr) {
    return;
  }
  std::string selector = expand(services.serving.cronjob_selector, proof.model, "");
  try {
    for (const auto& cronjob : services.cluster->cronjobs(selector)) {
      proof.places.push_back(Place{"cronjob", "cronjob " + cronjob.name,
                                   cronjob.was_suspended ? Standing::blocked : Standing::serving,
                                   cronjob.was_suspended ? "suspended" : "not suspended: batch may run the model"});
    }
  } catch (const Error& e) {
    proof.places.push_back(Place{"cronjob", "cronjobs " + selector, Standing::unknown, e.what()});
  }
}

} // namespace

std::string_view to_string(Standing standing)
{
  switch (standing) {
  case Standing::blocked: return "blocked";
  case Standing::serving: return "serving";
  case Standing::unknown: return "unknown";
  }
  return "unknown";
}

json Place::to_json() const
{
  return json{{"kind", kind}, {"where", where}, {"standing", to_string(standing)}, {"detail", detail}};
}

bool Proof::must_be_blocked() const
{
  return state == registry::k_state_revoked || state == registry::k_state_quarantined || !journaled_state.empty();
}

bool Proof::blocked_everywhere() const
{
  return must_be_blocked() && may_serve().empty();
}

std::vector<const Place*> Proof::may_serve() const
{
  std::vector<const Place*> out;
  for (const auto& place : places) {
    if (place.standing != Standing::blocked) {
      out.push_back(&place);
    }
  }
  return out;
}

std::string Proof::verdict() const
{
  if (!must_be_blocked()) {
    return "not_blocked";
  }
  return blocked_everywhere() ? "blocked" : "may_serve";
}

std::string Proof::headline() const
{
  if (!must_be_blocked()) {
    return fmt::format("{}@{} is {}: not Revoked or Quarantined, serving is allowed", model, version,
                       state.empty() ? "untagged" : state);
  }
  // (A version whose tag was reset is judged by what the journal says.)
  if (blocked_everywhere()) {
    return fmt::format("blocked everywhere ({} places checked)", places.size());
  }
  std::vector<std::string> where;
  for (const auto* place : may_serve()) {
    where.push_back(fmt::format("{} ({})", place->where, to_string(place->standing)));
  }
  return fmt::format("may still serve in {} of {} places: {}", where.size(), places.size(), join(where, "; "));
}

json Proof::to_json() const
{
  json items = json::array();
  for (const auto& place : places) {
    items.push_back(place.to_json());
  }
  return json{{"model", model},       {"version", version},     {"state", state},  {"journaled_state", journaled_state},
              {"verdict", verdict()}, {"headline", headline()}, {"places", items}, {"took_ms", took.count()}};
}

Proof observe_status(Services& services, const std::string& model, const std::string& version,
                     const std::vector<journal::Entry>& journal)
{
  auto start = services.clock.steady_now();
  auto& registry = services.registry;
  auto found = registry.get_version(model, version);
  if (!found) {
    throw Error(ErrorKind::data, fmt::format("{} has no version {} in {}", model, version, registry.endpoint()));
  }
  Proof proof;
  proof.model = model;
  proof.version = version;
  proof.state = found->state();
  auto [expected, mark] = journaled_state(journal, model + "@" + version);
  proof.journaled_state = expected;
  bool blocked_state = proof.state == registry::k_state_revoked || proof.state == registry::k_state_quarantined;
  std::string tag = fmt::format("{}={}", registry::k_state_tag, proof.state.empty() ? "(unset)" : proof.state);
  proof.places.push_back(
      Place{"registry", "state tag", blocked_state ? Standing::blocked : Standing::serving,
            blocked_state      ? tag + ": the download and startup gates deny it"
            : expected.empty() ? tag
                               : fmt::format("{}, but the journal has it {} (entry {}, {}): the gates let it through",
                                             tag, expected, mark->seq, mark->what.incident)});
  std::vector<std::string> aliases;
  if (auto registered = registry.get_model(model)) {
    for (const auto& [alias, target] : registered->aliases) {
      if (target == version) {
        aliases.push_back(alias);
        proof.places.push_back(
            Place{"alias", "alias " + alias, Standing::serving, fmt::format("{} points at {}", alias, version)});
      }
    }
  }
  if (aliases.empty()) {
    auto production = registry.get_alias(model, k_production_alias);
    proof.places.push_back(
        Place{"alias", "aliases", Standing::blocked,
              production ? fmt::format("no alias points at {} (production at {})", version, production->version)
                         : fmt::format("no alias points at {} (production unset)", version)});
  }
  if (!services.serving.denylist_url.empty()) {
    proof.places.push_back(denylist_place(services, model, version));
  }
  if (!services.serving.denylist_configmap.empty()) {
    proof.places.push_back(configmap_place(services, model, version));
  }
  add_cache_places(proof, services, journal);
  add_cronjob_places(proof, services);
  proof.took = elapsed_since(services.clock, start);
  return proof;
}

Step proof_step(Services& services, std::string model, std::string version)
{
  Step step{std::string(journal::step::proof),
            fmt::format("prove {}@{} blocked: read back the registry, aliases, denylists, caches and CronJobs", model,
                        version)};
  step.run = [&services, model, version](const StepContext& context) {
    auto proof = observe_status(services, model, version, context.plan_entries);
    auto since = std::chrono::duration_cast<Millis>(services.clock.now() - context.t0);
    json evidence = proof.to_json();
    evidence["after_t0_ms"] = since.count();
    if (proof.blocked_everywhere()) {
      return StepResult{
          Outcome::ok,
          fmt::format("blocked everywhere at T+{} ({} places checked)", format_duration(since), proof.places.size()),
          evidence};
    }
    return StepResult{Outcome::failed, proof.headline(), evidence};
  };
  return step;
}

} // namespace credguard::incident
