#pragma once

#include <credguard/incident/cluster.hpp>
#include <credguard/k8s/client.hpp>

namespace credguard::cli {

// The serving platform's Kubernetes side for the incident steps, over the
// k8s client, in the client's default namespace: Events about the serving
// Deployment, the denylist ConfigMap, and the model's batch CronJobs.
class KubeServingCluster final : public incident::ServingCluster {
public:
  // `client` must outlive this object.
  explicit KubeServingCluster(k8s::Client& client);

  std::string describe() const override;
  incident::RecordedEvent create_deployment_event(const std::string& deployment,
                                                  const incident::ClusterEvent& event) override;
  std::optional<std::string> add_configmap_entry(const std::string& configmap, const std::string& key,
                                                 const std::string& value) override;
  bool remove_configmap_entry(const std::string& configmap, const std::string& key) override;
  std::vector<incident::CronJobChange> suspend_cronjobs(const std::string& selector) override;
  std::optional<std::string> configmap_entry(const std::string& configmap, const std::string& key) override;
  std::vector<incident::CronJobChange> cronjobs(const std::string& selector) override;

private:
  // The ConfigMap's data (empty when it has none); Error(data) when it does not exist.
  nlohmann::json configmap_data(const std::string& configmap);

  k8s::Client& m_client;
  std::string m_namespace;
};

} // namespace credguard::cli
