#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/core/time_format.hpp>
#include <credguard/incident/common_steps.hpp>
#include <credguard/journal/names.hpp>

#include <fmt/format.h>

#include <map>

namespace credguard::incident {

namespace {

using nlohmann::json;

constexpr const char* k_kubernetes_key = "kubernetes.namespace (with a kubeconfig or kubernetes.in_cluster)";

// The sinks any earlier run delivered to.
std::set<std::string> sent_sinks(const std::vector<journal::Entry>& history)
{
  std::set<std::string> sent;
  for (const auto& entry : history) {
    const auto& evidence = entry.what.evidence;
    for (const auto& item : evidence.value("deliveries", json::array())) {
      if (item.value("ok", false)) {
        sent.insert(item.value("sink", ""));
      }
    }
    for (const auto& sink : evidence.value("sent_before", json::array())) {
      if (sink.is_string()) {
        sent.insert(sink.get<std::string>());
      }
    }
  }
  return sent;
}

// The endpoints purged ok in the last run, by id, with their results.
std::map<std::string, json> purged_before(const json& evidence)
{
  std::map<std::string, json> done;
  if (evidence.is_object() && evidence.contains("endpoints")) {
    for (const auto& item : evidence["endpoints"]) {
      if (item.value("ok", false)) {
        done.emplace(item.value("id", ""), item);
      }
    }
  }
  return done;
}

std::string failed_list(const json& items, const char* id_key)
{
  std::vector<std::string> names;
  for (const auto& item : items) {
    if (!item.value("ok", false)) {
      names.push_back(fmt::format("{} ({})", item.value(id_key, "?"), item.value("detail", item.value("error", "?"))));
    }
  }
  return join(names, "; ");
}

} // namespace

Step notify_step(http::Transport& http, const events::EventsOptions& events, const ServingOptions& serving,
                 ServingCluster* cluster, events::Notice notice, ClusterEvent cluster_event, bool renotify)
{
  bool k8s_event = cluster != nullptr && !serving.deployment.empty();
  auto sinks = events.sink_names();
  if (k8s_event) {
    sinks.emplace_back("kubernetes");
  }
  Step step{std::string(journal::step::events),
            sinks.empty() ? "emit " + notice.event.type + ": no sink configured (skipped)"
                          : fmt::format("emit {} to {}", notice.event.type, join(sinks, ", "))};
  step.intent = json{{"event_id", notice.event.id}, {"type", notice.event.type}, {"sinks", sinks}};
  if (cluster_event.incident.empty() && notice.event.data.is_object()) {
    cluster_event.incident = notice.event.data.value("incident", "");
  }
  step.run = [&http, &events, &serving, cluster, k8s_event, sinks, notice, cluster_event,
              renotify](const StepContext& context) {
    if (sinks.empty()) {
      return StepResult{Outcome::skipped,
                        "no event sink configured (events.webhooks, events.slack_webhook, "
                        "events.pagerduty_routing_key; serving.deployment with Kubernetes)",
                        json{{"event_id", notice.event.id}}};
    }
    // A notification is not state to observe: the journal is the record
    // of what was sent, and receivers must not be told twice.
    auto sent_before = renotify ? std::set<std::string>() : sent_sinks(context.history);
    std::set<std::string> wanted;
    for (const auto& sink : sinks) {
      if (!sent_before.contains(sink)) {
        wanted.insert(sink);
      }
    }
    if (wanted.empty()) {
      return StepResult{Outcome::ok, "delivered in an earlier run to every sink; not resent (--renotify resends)",
                        json{{"event_id", notice.event.id}, {"sent_before", sent_before}}};
    }
    json deliveries = json::array();
    for (const auto& delivery : events::deliver(http, events, notice, wanted)) {
      deliveries.push_back(delivery.to_json());
    }
    std::string recorded_before;
    if (k8s_event && wanted.contains("kubernetes")) {
      json delivery{{"sink", "kubernetes"}, {"kind", "kubernetes-event"}, {"ok", false}};
      try {
        auto recorded = cluster->create_deployment_event(serving.deployment, cluster_event);
        delivery["event"] = recorded.name;
        delivery["deployment_uid"] = recorded.deployment_uid;
        delivery["already"] = recorded.existed;
        delivery["ok"] = true;
        if (recorded.existed) {
          recorded_before =
              fmt::format("; Event {} on Deployment {} was already recorded", recorded.name, serving.deployment);
        }
      } catch (const Error& e) {
        delivery["error"] = e.what();
      }
      deliveries.push_back(delivery);
    }
    bool ok = std::all_of(deliveries.begin(), deliveries.end(), [](const json& d) { return d.value("ok", false); });
    json evidence{{"event_id", notice.event.id}, {"deliveries", deliveries}};
    if (!sent_before.empty()) {
      evidence["sent_before"] = sent_before;
    }
    std::vector<std::string> now(wanted.begin(), wanted.end());
    if (ok) {
      return StepResult{Outcome::ok, fmt::format("delivered to {}{}", join(now, ", "), recorded_before), evidence};
    }
    return StepResult{Outcome::failed, "not delivered to: " + failed_list(deliveries, "sink"), evidence};
  };
  return step;
}

Step denylist_step(http::Transport& http, const ServingOptions& serving, ServingCluster* cluster, const Clock& clock,
                   DenylistEntry entry)
{
  std::vector<std::string> where;
  if (!serving.denylist_url.empty()) {
    where.emplace_back("the gateway denylist");
  }
  if (!serving.denylist_configmap.empty()) {
    where.push_back("ConfigMap " + serving.denylist_configmap +
                    (cluster == nullptr ? " (no Kubernetes: skipped)" : ""));
  }
  std::string target = entry.model + "@" + entry.version;
  Step step{std::string(journal::step::denylist), where.empty()
                                                      ? "block " + target + ": no denylist configured (skipped)"
                                                      : fmt::format("block {} in {}", target, join(where, " and "))};
  step.run = [&http, &serving, cluster, &clock, entry](const StepContext&) {
    auto results = add_to_denylists(http, serving, cluster, entry, clock);
    json items = json::array();
    for (const auto& result : results) {
      items.push_back(result.to_json());
    }
    json evidence{{"entry", entry.to_json()}, {"denylists", items}};
    if (!serving.denylist_configmap.empty() && cluster == nullptr) {
      evidence["configmap_skipped"] = std::string("Kubernetes is not configured: ") + k_kubernetes_key;
    }
    if (results.empty()) {
      return StepResult{Outcome::skipped,
                        "no denylist configured (serving.denylist_url, or serving.denylist_configmap with Kubernetes)",
                        evidence};
    }
    if (std::all_of(results.begin(), results.end(), [](const DenylistResult& r) { return r.ok; })) {
      std::vector<std::string> written;
      std::string since;
      for (const auto& result : results) {
        if (!result.already) {
          written.push_back(result.where);
        } else if (result.detail.starts_with("already denylisted since ")) {
          // The ConfigMap tells since when, and under which incident.
          since = "; " + result.detail;
        }
      }
      if (written.empty()) {
        return StepResult{Outcome::ok, "in place (checked now): every denylist holds it" + since, evidence};
      }
      return StepResult{Outcome::ok, "denylisted in " + join(written, ", ") + since, evidence, true};
    }
    return StepResult{Outcome::failed, "denylist not written: " + failed_list(items, "where"), evidence};
  };
  return step;
}

Step purge_step(http::Transport& http, const PurgeTargets& targets, const Clock& clock, std::string model,
                std::string version)
{
  std::set<std::string> layers;
  for (const auto& endpoint : targets.endpoints) {
    layers.insert(std::string(to_string(endpoint.layer)));
  }
  Step step{std::string(journal::step::purge),
            targets.empty()
                ? "purge caches: no cache endpoint configured (skipped)"
                : fmt::format("purge {}@{} from {} endpoint(s) in {}", model, version, targets.endpoints.size(),
                              join(std::vector<std::string>(layers.begin(), layers.end()), ", "))};
  step.run = [&http, &targets, &clock, model, version](const StepContext& context) {
    if (targets.empty()) {
      return StepResult{Outcome::skipped,
                        "no cache endpoint configured (purge.gateway, purge.torchserve, purge.triton, "
                        "purge.vector, purge.cdn)",
                        json::object()};
    }
    auto before = purged_before(context.last_evidence());
    json in_place = json::array();
    std::set<std::string> skip;
    if (!before.empty()) {
      // Purged in an earlier run: look again, and purge only what holds
      // the version now (or cannot be told).
      SystemTime now = clock.now();
      for (const auto& probe : probe(http, targets, model, version)) {
        auto earlier = before.find(probe.id);
        if (earlier == before.end()) {
          continue;
        }
        auto purged_at = parse_rfc3339(earlier->second.value("at", "")).value_or(SystemTime{});
        std::string detail;
        if (!probe.observable) {
          detail = fmt::format("purged at {}; this layer has no read-back", earlier->second.value("at", "?"));
        } else if (probe.holds == false) {
          detail = "in place (checked now): " + probe.detail;
        } else if (probe.age_s && !cached_before(*probe.age_s, purged_at, now)) {
          detail = fmt::format("in place (checked now): cached {} s ago, after the purge at {}", *probe.age_s,
                               earlier->second.value("at", "?"));
        } else {
          continue;
        }
        json item = earlier->second;
        item["detail"] = detail;
        item["in_place"] = true;
        in_place.push_back(item);
        skip.insert(probe.id);
      }
    }
    json endpoints = json::array();
    std::size_t failed = 0;
    auto results = purge(http, targets, model, version, clock, skip);
    for (const auto& result : results) {
      endpoints.push_back(result.to_json());
      failed += result.ok ? 0 : 1;
    }
    std::size_t purged_now = endpoints.size();
    for (const auto& item : in_place) {
      endpoints.push_back(item);
    }
    json evidence{{"endpoints", endpoints}};
    bool acted = purged_now > 0;
    if (failed > 0) {
      return StepResult{Outcome::failed,
                        fmt::format("{} of {} failed: {}", failed, results.size(), failed_list(endpoints, "id")),
                        evidence, acted};
    }
    if (before.empty()) {
      return StepResult{Outcome::ok, fmt::format("{} purged and verified where possible", results.size()), evidence,
                        acted};
    }
    std::vector<std::string> again;
    for (const auto& result : results) {
      again.push_back(result.id);
    }
    return StepResult{Outcome::ok,
                      again.empty() ? fmt::format("in place (checked now): {} endpoint(s)", in_place.size())
                                    : fmt::format("{} endpoint(s) held the version again, purged: {}; {} in place",
                                                  again.size(), join(again, ", "), in_place.size()),
                      evidence, acted};
  };
  return step;
}

Step freeze_step(const ServingOptions& serving, ServingCluster* cluster, std::string model)
{
  std::string selector = expand(serving.cronjob_selector, model, "");
  Step step{std::string(journal::step::freeze),
            cluster == nullptr ? "suspend batch CronJobs: Kubernetes not configured (skipped); record T0"
                               : fmt::format("suspend the CronJobs labelled {} and record T0", selector)};
  step.run = [cluster, selector](const StepContext& context) {
    json evidence{{"t0", format_rfc3339(context.t0)}, {"selector", selector}};
    if (cluster == nullptr) {
      return StepResult{Outcome::skipped,
                        std::string("T0 recorded; CronJobs not suspended: Kubernetes is not configured (") +
                            k_kubernetes_key + ")",
                        evidence};
    }
    auto changes = cluster->suspend_cronjobs(selector);
    json cronjobs = json::array();
    std::size_t already = 0;
    for (const auto& change : changes) {
      cronjobs.push_back({{"name", change.name}, {"was_suspended", change.was_suspended}});
      already += change.was_suspended ? 1U : 0U;
    }
    evidence["cronjobs"] = cronjobs;
    // Only what this run suspended counts as suspended.
    std::size_t suspended_now = changes.size() - already;
    std::string what = suspended_now == 0 && !changes.empty()
                           ? fmt::format("in place (checked now): 0 suspended, {} already suspended", already)
                           : fmt::format("{} suspended, {} already suspended", suspended_now, already);
    return StepResult{Outcome::ok,
                      fmt::format("{}; outputs after {} are suspect", what, format_rfc3339_seconds(context.t0)),
                      evidence, suspended_now > 0};
  };
  return step;
}

} // namespace credguard::incident
