#include <credguard/checks/k8s_kinds.hpp>
#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/core/time_format.hpp>
#include <credguard/k8s/client.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace credguard::checks {

namespace {

using nlohmann::json;

// At most this many offenders are named in the detail; the data has all.
constexpr std::size_t k_named = 10;

std::string param(const CheckDefinition& def, const char* key)
{
  auto node = def.params[key];
  return node && node.IsScalar() ? node.Scalar() : "";
}

std::string name_of(const json& object)
{
  return object.value("metadata", json::object()).value("name", "");
}

long long int_at(const json& object, std::initializer_list<const char*> path)
{
  const json* node = &object;
  for (const char* key : path) {
    if (!node->is_object() || !node->contains(key)) {
      return 0; // omitted zero
    }
    node = &(*node)[key];
  }
  return node->is_number_integer() ? node->get<long long>() : 0;
}

std::string summarize(const std::vector<std::string>& items)
{
  std::vector<std::string> shown(items.begin(), items.begin() + static_cast<long>(std::min(items.size(), k_named)));
  std::string text = join(shown, ", ");
  if (items.size() > k_named) {
    text += fmt::format(" and {} more", items.size() - k_named);
  }
  return text;
}

// Shared by the four kinds: find the client, SKIP without one.
class KubernetesKind : public CheckKind {
public:
  void validate(const CheckDefinition& def) const override
  {
    for (const char* key : {"namespace", "label_selector", "window"}) {
      if (auto node = def.params[key]; node && !node.IsScalar()) {
        throw Error(ErrorKind::config,
                    fmt::format("{}: {}.params.{}: expected a text value", def.location, def.id, key));
      }
    }
  }

  std::vector<CheckResult> run(const CheckDefinition& def, CheckContext& context) const override
  {
    k8s::Client* client = context.clients.kubernetes();
    if (client == nullptr) {
      CheckResult skipped;
      skipped.status = Status::skip;
      skipped.detail = std::string(k8s::k_not_configured);
      return {skipped};
    }
    std::string ns = param(def, "namespace");
    return {measure(def, *client, ns.empty() ? client->default_namespace() : ns, context)};
  }

protected:
  virtual CheckResult measure(const CheckDefinition& def, k8s::Client& client, const std::string& ns,
                              CheckContext& context) const = 0;

  static k8s::ListOptions selector(const CheckDefinition& def)
  {
    k8s::ListOptions options;
    options.label_selector = param(def, "label_selector");
    return options;
  }
};

class NodesKind final : public KubernetesKind {
public:
  std::string_view name() const override { return "k8s_nodes"; }

protected:
  CheckResult measure(const CheckDefinition& def, k8s::Client& client, const std::string&, CheckContext&) const override
  {
    auto nodes = client.list(k8s::resource_path("v1", "nodes"), selector(def))["items"];
    std::vector<std::string> not_ready;
    json offenders = json::array();
    for (const auto& node : nodes) {
      std::string status = "Unknown";
      std::string reason = "no Ready condition";
      for (const auto& condition : node.value("status", json::object()).value("conditions", json::array())) {
        if (condition.value("type", "") == "Ready") {
          status = condition.value("status", "Unknown");
          reason = condition.value("reason", status);
        }
      }
      if (status != "True") {
        not_ready.push_back(fmt::format("{} ({})", name_of(node), reason));
        offenders.push_back({{"name", name_of(node)}, {"ready", status}, {"reason", reason}});
      }
    }
    auto result = measured(def, static_cast<double>(not_ready.size()),
                           not_ready.empty() ? fmt::format("all {} nodes Ready", nodes.size())
                                             : fmt::format("{} of {} nodes not Ready: {}", not_ready.size(),
                                                           nodes.size(), summarize(not_ready)));
    result.data = {{"nodes", nodes.size()}, {"not_ready", offenders}};
    return result;
  }
};

class DeploymentsKind final : public KubernetesKind {
public:
  std::string_view name() const override { return "k8s_deployments"; }

protected:
  CheckResult measure(const CheckDefinition& def, k8s::Client& client, const std::string& ns,
                      CheckContext&) const override
  {
    auto deployments = client.list(k8s::resource_path("apps/v1", "deployments", ns), selector(def))["items"];
    std::vector<std::string> short_of;
    json offenders = json::array();
    for (const auto& deployment : deployments) {
      const auto& spec = deployment.value("spec", json::object());
      long long wanted = spec.contains("replicas") ? int_at(spec, {"replicas"}) : 1; // the API's default
      long long available = int_at(deployment, {"status", "availableReplicas"});
      if (available < wanted) {
        short_of.push_back(fmt::format("{} {}/{} available", name_of(deployment), available, wanted));
        offenders.push_back({{"name", name_of(deployment)}, {"replicas", wanted}, {"available", available}});
      }
    }
    auto result =
        measured(def, static_cast<double>(short_of.size()),
                 short_of.empty() ? fmt::format("all {} deployments in {} fully available", deployments.size(), ns)
                                  : fmt::format("in {}: {}", ns, summarize(short_of)));
    result.data = {{"namespace", ns}, {"deployments", deployments.size()}, {"unavailable", offenders}};
    return result;
  }
};

class PodsKind final : public KubernetesKind {
public:
  std::string_view name() const override { return "k8s_pods"; }

protected:
  CheckResult measure(const CheckDefinition& def, k8s::Client& client, const std::string& ns,
                      CheckContext&) const override
  {
    auto pods = client.list(k8s::resource_path("v1", "pods", ns), selector(def))["items"];
    std::vector<std::string> looping;
    json offenders = json::array();
    for (const auto& pod : pods) {
      const auto& status = pod.value("status", json::object());
      std::vector<std::string> containers;
      long long restarts = 0;
      for (const char* list : {"initContainerStatuses", "containerStatuses"}) {
        for (const auto& container : status.value(list, json::array())) {
          std::string reason =
              container.value("state", json::object()).value("waiting", json::object()).value("reason", "");
          if (reason == "CrashLoopBackOff") {
            containers.push_back(container.value("name", ""));
            restarts += int_at(container, {"restartCount"});
          }
        }
      }
      if (!containers.empty()) {
        looping.push_back(fmt::format("{} ({}, {} restarts)", name_of(pod), join(containers, ", "), restarts));
        offenders.push_back({{"name", name_of(pod)}, {"containers", containers}, {"restarts", restarts}});
      }
    }
    auto result = measured(def, static_cast<double>(looping.size()),
                           looping.empty() ? fmt::format("no pod of {} in {} is crash-looping", pods.size(), ns)
                                           : fmt::format("in {}: {}", ns, summarize(looping)));
    result.data = {{"namespace", ns}, {"pods", pods.size()}, {"crash_looping", offenders}};
    return result;
  }
};

class EventsKind final : public KubernetesKind {
public:
  std::string_view name() const override { return "k8s_events"; }

  void validate(const CheckDefinition& def) const override
  {
    KubernetesKind::validate(def);
    window(def);
  }

protected:
  CheckResult measure(const CheckDefinition& def, k8s::Client& client, const std::string& ns,
                      CheckContext& context) const override
  {
    auto options = selector(def);
    options.field_selector = "type=Warning";
    auto events = client.list(k8s::resource_path("v1", "events", ns), options)["items"];
    SystemTime since = context.clock.now() - window(def);
    std::map<std::string, long long> by_reason; // "BackOff on Pod/scorer-1" -> count
    long long total = 0;
    for (const auto& event : events) {
      // A repeating event written through events.k8s.io/v1 has no count and
      // lastTimestamp null; its series says how often and when last
      // (PROTOCOL-NOTES), eventTime being the first occurrence.
      const json* series = event.contains("series") && event["series"].is_object() ? &event["series"] : nullptr;
      std::string stamp;
      if (series != nullptr && series->contains("lastObservedTime") && (*series)["lastObservedTime"].is_string()) {
        stamp = (*series)["lastObservedTime"].get<std::string>();
      }
      for (const char* key : {"lastTimestamp", "eventTime"}) {
        if (stamp.empty() && event.contains(key) && event[key].is_string()) {
          stamp = event[key].get<std::string>();
        }
      }
      if (stamp.empty()) {
        stamp = event.value("metadata", json::object()).value("creationTimestamp", "");
      }
      auto when = parse_rfc3339(stamp);
      if (!when || *when < since) {
        continue;
      }
      long long count = std::max(1LL, series != nullptr ? int_at(*series, {"count"}) : int_at(event, {"count"}));
      const auto& object = event.value("involvedObject", json::object());
      by_reason[fmt::format("{} on {}/{}", event.value("reason", "?"), object.value("kind", "?"),
                            object.value("name", "?"))] += count;
      total += count;
    }
    std::vector<std::pair<std::string, long long>> sorted(by_reason.begin(), by_reason.end());
    std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    std::vector<std::string> described;
    json data = json::array();
    for (const auto& [what, count] : sorted) {
      described.push_back(fmt::format("{} x{}", what, count));
      data.push_back({{"what", what}, {"count", count}});
    }
    auto result = measured(
        def, static_cast<double>(total),
        total == 0 ? fmt::format("no Warning events in {} within {}", ns, format_duration(window(def)))
                   : fmt::format("in {} within {}: {}", ns, format_duration(window(def)), summarize(described)));
    result.data = {{"namespace", ns}, {"warnings", data}};
    return result;
  }

private:
  static Millis window(const CheckDefinition& def)
  {
    auto text = param(def, "window");
    if (text.empty()) {
      return Millis(3'600'000);
    }
    auto value = parse_duration(text);
    if (!value || value->count() == 0) {
      throw Error(ErrorKind::config, fmt::format("{}: {}.params.window: expected a duration such as 1h, got \"{}\"",
                                                 def.location, def.id, text));
    }
    return *value;
  }
};

} // namespace

void add_k8s_kinds(KindRegistry& registry)
{
  registry.add(std::make_unique<NodesKind>());
  registry.add(std::make_unique<DeploymentsKind>());
  registry.add(std::make_unique<PodsKind>());
  registry.add(std::make_unique<EventsKind>());
}

} // namespace credguard::checks
