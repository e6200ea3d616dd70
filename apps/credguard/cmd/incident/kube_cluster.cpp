#include "cmd/incident/kube_cluster.hpp"

#include <credguard/k8s/kubeconfig.hpp>

namespace credguard::cli {

using nlohmann::json;

KubeServingCluster::KubeServingCluster(k8s::Client& client)
  : m_client(client)
  , m_namespace(client.default_namespace())
{}

std::string KubeServingCluster::describe() const
{
  return "namespace " + m_namespace + " (" + m_client.source() + ")";
}

namespace {

constexpr const char* k_incident_annotation = "credguard.io/incident";

} // namespace

incident::RecordedEvent KubeServingCluster::create_deployment_event(const std::string& deployment,
                                                                    const incident::ClusterEvent& event)
{
  // kubectl describe finds an object's events by uid (PROTOCOL-NOTES), and
  // the server does not check that the object exists: read it first.
  json object = m_client.get(k8s::resource_path("apps/v1", "deployments", m_namespace, deployment));
  json metadata = object.value("metadata", json::object());
  incident::RecordedEvent recorded;
  recorded.deployment_uid = metadata.value("uid", "");

  // One Event per incident on this Deployment, whichever journal ran before.
  k8s::ListOptions options;
  options.field_selector = "involvedObject.kind=Deployment,involvedObject.name=" + deployment;
  json events = m_client.list(k8s::resource_path("v1", "events", m_namespace), options);
  for (const auto& item : events.value("items", json::array())) {
    json involved = item.value("involvedObject", json::object());
    json item_metadata = item.value("metadata", json::object());
    json annotations = item_metadata.value("annotations", json::object());
    if (involved.value("uid", "") == recorded.deployment_uid && item.value("reason", "") == event.reason &&
        annotations.value(k_incident_annotation, "") == event.incident) {
      recorded.name = item_metadata.value("name", "");
      recorded.existed = true;
      return recorded;
    }
  }

  k8s::EventDraft draft;
  draft.ns = m_namespace;
  draft.involved_object = {{"apiVersion", "apps/v1"},
                           {"kind", "Deployment"},
                           {"name", deployment},
                           {"namespace", m_namespace},
                           {"uid", recorded.deployment_uid},
                           {"resourceVersion", metadata.value("resourceVersion", "")}};
  draft.reason = event.reason;
  draft.message = event.message;
  draft.type = event.type;
  draft.action = event.action;
  if (!event.incident.empty()) {
    draft.annotations[k_incident_annotation] = event.incident;
  }
  json created = m_client.create_event(draft);
  recorded.name = created.contains("metadata") ? created["metadata"].value("name", std::string()) : std::string();
  return recorded;
}

json KubeServingCluster::configmap_data(const std::string& configmap)
{
  json object = m_client.get(k8s::resource_path("v1", "configmaps", m_namespace, configmap));
  // The server omits an empty data map.
  auto data = object.find("data");
  return data == object.end() || !data->is_object() ? json::object() : *data;
}

std::optional<std::string> KubeServingCluster::add_configmap_entry(const std::string& configmap, const std::string& key,
                                                                   const std::string& value)
{
  json data = configmap_data(configmap);
  // The entry's identity is its key: an entry another run (or another
  // operator's journal) wrote stays as it is, its first `since` with it.
  if (auto current = data.find(key); current != data.end()) {
    return current->is_string() ? current->get<std::string>() : current->dump();
  }
  m_client.patch_configmap(m_namespace, configmap, {{key, value}});
  return std::nullopt;
}

bool KubeServingCluster::remove_configmap_entry(const std::string& configmap, const std::string& key)
{
  json data = configmap_data(configmap);
  if (!data.contains(key)) {
    return false;
  }
  m_client.patch_configmap(m_namespace, configmap, {{key, std::nullopt}});
  return true;
}

std::vector<incident::CronJobChange> KubeServingCluster::cronjobs(const std::string& selector)
{
  k8s::ListOptions options;
  options.label_selector = selector;
  json list = m_client.list(m_client.cronjob_path(m_namespace), options);
  std::vector<incident::CronJobChange> found;
  for (const auto& item : list.value("items", json::array())) {
    incident::CronJobChange cronjob;
    cronjob.name = item["metadata"].value("name", std::string());
    // The server writes suspend: false (PROTOCOL-NOTES); a missing one is false too.
    cronjob.was_suspended = item.contains("spec") && item["spec"].value("suspend", false);
    found.push_back(std::move(cronjob));
  }
  return found;
}

std::vector<incident::CronJobChange> KubeServingCluster::suspend_cronjobs(const std::string& selector)
{
  auto changes = cronjobs(selector);
  for (const auto& change : changes) {
    if (!change.was_suspended) {
      m_client.set_cronjob_suspended(m_namespace, change.name, true);
    }
  }
  return changes;
}

std::optional<std::string> KubeServingCluster::configmap_entry(const std::string& configmap, const std::string& key)
{
  json data = configmap_data(configmap);
  auto value = data.find(key);
  if (value == data.end() || !value->is_string()) {
    return std::nullopt;
  }
  return value->get<std::string>();
}

} // namespace credguard::cli
