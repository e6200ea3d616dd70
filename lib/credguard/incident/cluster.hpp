#pragma once

#include <optional>
#include <string>
#include <vector>

namespace credguard::incident {

// A Kubernetes Event about an object of the serving platform.
struct ClusterEvent {
  std::string reason;  // e.g. ModelRevoked
  std::string message; // one line
  std::string type = "Warning";
  std::string action;        // e.g. Revoke
  std::string incident = {}; // the incident ID: one such Event per incident and Deployment
};

// The Event create_deployment_event() recorded or found.
struct RecordedEvent {
  std::string name;
  std::string deployment_uid;
  bool existed = false; // recorded before (same reason and incident): nothing posted
};

// A CronJob that suspend_cronjobs() found.
struct CronJobChange {
  std::string name;
  bool was_suspended = false; // already suspended before: nothing changed
};

// What the incident steps need from Kubernetes, implemented over the k8s
// client in the CLI layer; steps that need it report `skipped` when the
// cluster is not configured. Methods throw credguard::Error on failure
// (unavailable, auth, data) after the client's own retries.
class ServingCluster {
public:
  virtual ~ServingCluster() = default;

  // "namespace ns", for messages.
  virtual std::string describe() const = 0;
  // Reads Deployment `deployment` and, unless an Event with the same reason
  // and incident is already recorded on it (listed by involvedObject),
  // creates one whose involvedObject carries the Deployment's uid and
  // resourceVersion (what kubectl describe looks up). Throws Error(data)
  // naming the Deployment when it does not exist.
  virtual RecordedEvent create_deployment_event(const std::string& deployment, const ClusterEvent& event) = 0;
  // Adds data[key] = value to ConfigMap `configmap` with a merge patch,
  // unless the key is there: an entry's identity is its key, and the value
  // first written (its `since`) is kept. Returns the value found (nothing
  // changed), nullopt when it was added.
  virtual std::optional<std::string> add_configmap_entry(const std::string& configmap, const std::string& key,
                                                         const std::string& value) = 0;
  // Removes data[key] from ConfigMap `configmap` with a JSON patch.
  // Returns false when the key was not there (nothing changed).
  virtual bool remove_configmap_entry(const std::string& configmap, const std::string& key) = 0;
  // Suspends (spec.suspend=true) every CronJob matching `selector`.
  virtual std::vector<CronJobChange> suspend_cronjobs(const std::string& selector) = 0;

  // Reads only, for status: data[key] of ConfigMap `configmap`, nullopt
  // when the key is absent (Error(data) when the ConfigMap is).
  virtual std::optional<std::string> configmap_entry(const std::string& configmap, const std::string& key) = 0;
  // The CronJobs matching `selector`; was_suspended is their state now.
  virtual std::vector<CronJobChange> cronjobs(const std::string& selector) = 0;
};

} // namespace credguard::incident
