#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/core/time_format.hpp>
#include <credguard/incident/common_steps.hpp>

#include <fmt/format.h>

namespace credguard::incident {

namespace {

using nlohmann::json;

constexpr const char* k_kubernetes_key = "kubernetes.namespace (with a kubeconfig or kubernetes.in_cluster)";

// The ids whose entries in the last evidence's `list` are ok.
std::set<std::string> done_before(const json& evidence, const char* list, const char* id_key)
{
  std::set<std::string> done;
  if (evidence.is_object() && evidence.contains(list)) {
    for (const auto& item : evidence[list]) {
      if (item.value("ok", false)) {
        done.insert(item.value(id_key, ""));
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
                 ServingCluster* cluster, events::Notice notice, ClusterEvent cluster_event)
{
  bool k8s_event = cluster != nullptr && !serving.deployment.empty();
  auto sinks = events.sink_names();
  if (k8s_event) {
    sinks.emplace_back("kubernetes");
  }
  Step step{"events", sinks.empty() ? "emit " + notice.event.type + ": no sink configured (skipped)"
                                    : fmt::format("emit {} to {}", notice.event.type, join(sinks, ", "))};
  step.intent = json{{"event_id", notice.event.id}, {"type", notice.event.type}, {"sinks", sinks}};
  if (cluster_event.incident.empty() && notice.event.data.is_object()) {
    cluster_event.incident = notice.event.data.value("incident", "");
  }
  step.run = [&http, &events, &serving, cluster, k8s_event, sinks, notice, cluster_event](const StepContext& context) {
    if (sinks.empty()) {
      return StepResult{Outcome::skipped,
                        "no event sink configured (events.webhooks, events.slack_webhook, "
                        "events.pagerduty_routing_key; serving.deployment with Kubernetes)",
                        json{{"event_id", notice.event.id}}};
    }
    auto sent_before = done_before(context.last_evidence(), "deliveries", "sink");
    std::set<std::string> wanted;
    for (const auto& sink : sinks) {
      if (!sent_before.contains(sink)) {
        wanted.insert(sink);
      }
    }
    if (wanted.empty()) {
      return StepResult{Outcome::ok, "already delivered to every sink", json{{"event_id", notice.event.id}}};
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
    if (ok) {
      return StepResult{Outcome::ok, fmt::format("delivered to {}{}", join(sinks, ", "), recorded_before), evidence};
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
  Step step{"denylist", where.empty() ? "block " + target + ": no denylist configured (skipped)"
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
      bool already = std::all_of(results.begin(), results.end(), [](const DenylistResult& r) { return r.already; });
      std::string summary = already ? "already denylisted" : "denylisted";
      // The ConfigMap tells since when, and under which incident.
      for (const auto& result : results) {
        if (already && result.detail.starts_with(summary + " since ")) {
          summary = result.detail;
        }
      }
      return StepResult{Outcome::ok, summary, evidence};
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
  Step step{"purge", targets.empty() ? "purge caches: no cache endpoint configured (skipped)"
                                     : fmt::format("purge {}@{} from {} endpoint(s) in {}", model, version,
                                                   targets.endpoints.size(),
                                                   join(std::vector<std::string>(layers.begin(), layers.end()), ", "))};
  step.run = [&http, &targets, &clock, model, version](const StepContext& context) {
    if (targets.empty()) {
      return StepResult{Outcome::skipped,
                        "no cache endpoint configured (purge.gateway, purge.torchserve, purge.triton, "
                        "purge.vector, purge.cdn)",
                        json::object()};
    }
    auto purged_before = done_before(context.last_evidence(), "endpoints", "id");
    json endpoints = json::array();
    std::size_t failed = 0;
    auto results = purge(http, targets, model, version, clock, purged_before);
    for (const auto& result : results) {
      endpoints.push_back(result.to_json());
      failed += result.ok ? 0 : 1;
    }
    json evidence{{"endpoints", endpoints}};
    if (!purged_before.empty()) {
      evidence["purged_before"] = purged_before;
      for (const auto& id : purged_before) {
        endpoints.push_back({{"id", id}, {"ok", true}, {"detail", "purged in an earlier run"}});
      }
      evidence["endpoints"] = endpoints;
    }
    if (failed == 0) {
      return StepResult{Outcome::ok, fmt::format("{} purged and verified where possible", results.size()), evidence};
    }
    return StepResult{Outcome::failed,
                      fmt::format("{} of {} failed: {}", failed, results.size(), failed_list(endpoints, "id")),
                      evidence};
  };
  return step;
}

Step freeze_step(const ServingOptions& serving, ServingCluster* cluster, std::string model)
{
  std::string selector = expand(serving.cronjob_selector, model, "");
  Step step{"freeze", cluster == nullptr ? "suspend batch CronJobs: Kubernetes not configured (skipped); record T0"
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
    return StepResult{Outcome::ok,
                      fmt::format("{} suspended, {} already suspended; outputs after {} are suspect",
                                  changes.size() - already, already, format_rfc3339_seconds(context.t0)),
                      evidence};
  };
  return step;
}

} // namespace credguard::incident
