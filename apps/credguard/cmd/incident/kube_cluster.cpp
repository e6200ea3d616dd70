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

std::string KubeServingCluster::create_deployment_event(const std::string& deployment,
                                                        const incident::ClusterEvent& event)
{
  k8s::EventDraft draft;
  draft.ns = m_namespace;
  draft.involved_object = {
      {"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", deployment}, {"namespace", m_namespace}};
  draft.reason = event.reason;
  draft.message = event.message;
  draft.type = event.type;
  json created = m_client.create_event(draft);
  return created.contains("metadata") ? created["metadata"].value("name", std::string()) : std::string();
}

json KubeServingCluster::configmap_data(const std::string& configmap)
{
  json object = m_client.get(k8s::resource_path("v1", "configmaps", m_namespace, configmap));
  // The server omits an empty data map.
  auto data = object.find("data");
  return data == object.end() || !data->is_object() ? json::object() : *data;
}

bool KubeServingCluster::set_configmap_entry(const std::string& configmap, const std::string& key,
                                             const std::string& value)
{
  json data = configmap_data(configmap);
  // The entry's identity is its key: an entry another run (or another
  // operator's journal) wrote stays as it is, its first `since` with it.
  if (data.contains(key)) {
    return true;
  }
  m_client.patch_configmap(m_namespace, configmap, {{key, value}});
  return false;
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
