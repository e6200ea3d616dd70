#pragma once

#include "fakes/fake_kube.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

// The pieces of the fake Kubernetes API server's model: which resources it
// serves, selectors, patches. Internal to tests/fakes.
namespace credguard::test::kube_model {

struct ResourceInfo {
  std::string resource; // plural, as in the path: deployments
  std::string kind;     // Deployment
  std::string group;    // "" for core
  bool namespaced;
  std::vector<std::string> fields; // field selectors beyond metadata.name/namespace
};

// The resources the fake serves.
const std::vector<ResourceInfo>& resources();
const ResourceInfo* find_resource(const std::string& resource);
const ResourceInfo* find_kind(const std::string& kind);
// "deployments.apps", "pods": how the server names a resource in messages.
std::string qualified(const ResourceInfo& info);
// The storage key "ns/name" ("/name" when cluster-scoped).
std::string key_of(const std::string& ns, const std::string& name);

// Opaque continue tokens.
std::string hex(const std::string& text);
std::optional<std::string> unhex(const std::string& text);

// The versions of API group `group` that `release` serves, the preferred
// first (discovery, GET /apis/GROUP); empty for a group the fake lacks.
std::vector<std::string> group_versions(const std::string& group, KubeRelease release);
// The resources `group_version` ("v1", "apps/v1", "batch/v1beta1") serves on
// `release`, as its discovery document (GET /apis/GROUP/VERSION) lists them.
std::vector<std::string> served_resources(const std::string& group_version, KubeRelease release);
// The APIResourceList of `group_version` on `release`.
nlohmann::json resource_list(const std::string& group_version, KubeRelease release);

// Leaves out the Deployment status fields that are 0, as the server does.
void omit_zero_status(nlohmann::json& object);
// The server's defaults, applied on every write: a Deployment's
// spec.replicas (1), a CronJob's spec.suspend (false), an Event's unset
// eventTime (null) and reportingComponent/reportingInstance ("").
void apply_defaults(nlohmann::json& object);
// Strategic merge: maps merge recursively, null deletes, lists of objects
// that all carry "name" merge by name, other lists are replaced.
void strategic_merge(nlohmann::json& target, const nlohmann::json& patch);

// Thrown for a selector the server cannot parse: a 400 with this message.
class BadSelector : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};
// Whether `labels` (an object, or null) satisfies a label selector.
bool match_labels(const std::string& selector, const nlohmann::json& labels);
// Whether `object` satisfies a field selector whose fields are among
// metadata.name, metadata.namespace and `supported`.
bool match_fields(const std::string& selector, const nlohmann::json& object, const std::vector<std::string>& supported);

} // namespace credguard::test::kube_model

namespace credguard::test {

struct FakeKubeApi::Route {
  const kube_model::ResourceInfo* info = nullptr;
  std::string group_version;
  std::string ns;
  std::string name;
  std::string subresource;
};

} // namespace credguard::test
