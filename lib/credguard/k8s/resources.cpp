// The client's typed helpers over get/list/update/patch/create: the /scale
// subresource, the batch API version and CronJob suspend, ConfigMap patch,
// Event create.
#include <credguard/core/error.hpp>
#include <credguard/core/files.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/core/time_format.hpp>
#include <credguard/k8s/client.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace credguard::k8s {

namespace {

// Answers are read field by field, whatever their shape: a field of another
// type reads as absent (json::value() would throw type_error, an exit 70).
const nlohmann::json& member(const nlohmann::json& object, const char* key)
{
  static const nlohmann::json k_absent;
  if (!object.is_object()) {
    return k_absent;
  }
  auto it = object.find(key);
  return it == object.end() ? k_absent : *it;
}

long long int_field(const nlohmann::json& object, const char* key)
{
  const auto& value = member(object, key);
  return value.is_number_integer() ? value.get<long long>() : 0;
}

std::string text_field(const nlohmann::json& object, const char* key)
{
  const auto& value = member(object, key);
  return value.is_string() ? value.get<std::string>() : "";
}

Scale to_scale(const nlohmann::json& object)
{
  Scale scale;
  scale.replicas = int_field(member(object, "spec"), "replicas");
  scale.current_replicas = int_field(member(object, "status"), "replicas");
  scale.selector = text_field(member(object, "status"), "selector");
  scale.resource_version = text_field(member(object, "metadata"), "resourceVersion");
  return scale;
}

} // namespace

Scale Client::get_scale(const std::string& workload_path)
{
  return to_scale(get(workload_path + "/scale"));
}

Scale Client::scale(const std::string& workload_path, long long replicas)
{
  return to_scale(update(workload_path + "/scale", [&](nlohmann::json& object) {
    if (!object.contains("spec") || !object["spec"].is_object()) {
      object["spec"] = nlohmann::json::object();
    }
    if (int_field(object["spec"], "replicas") == replicas) {
      return false;
    }
    object["spec"]["replicas"] = replicas;
    return true;
  }));
}

std::string Client::batch_version()
{
  {
    std::lock_guard lock(m_mutex);
    if (!m_batch_version.empty()) {
      return m_batch_version;
    }
  }
  // As client-go discovery does: a version listed in /apis/batch may not
  // serve CronJobs (1.20 lists batch/v1 with jobs only); its resource list
  // says. The preferred version is asked first. An answer of the wrong
  // shape lists nothing.
  nlohmann::json group = nlohmann::json::object();
  try {
    group = get("/apis/batch");
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::data) {
      throw;
    }
  }
  std::vector<std::string> listed;
  if (const auto& versions = member(group, "versions"); versions.is_array()) {
    for (const auto& version : versions) {
      listed.push_back(text_field(version, "groupVersion"));
    }
  }
  std::string chosen;
  for (const auto& version : listed) {
    auto list = get("/apis/" + version);
    const auto& resources = member(list, "resources");
    bool serves = resources.is_array() && std::any_of(resources.begin(), resources.end(), [](const nlohmann::json& r) {
                    return text_field(r, "name") == "cronjobs";
                  });
    if (serves) {
      chosen = version;
      break;
    }
  }
  if (chosen.empty()) {
    throw Error(ErrorKind::data,
                fmt::format("kubernetes: {} serves no CronJob API: none of {} lists cronjobs", m_access.server,
                            listed.empty() ? "its batch versions" : join(listed, ", ")));
  }
  std::lock_guard lock(m_mutex);
  m_batch_version = chosen;
  return chosen;
}

std::string Client::cronjob_path(const std::string& ns, const std::string& name)
{
  return resource_path(batch_version(), "cronjobs", ns.empty() ? default_namespace() : ns, name);
}

nlohmann::json Client::set_cronjob_suspended(const std::string& ns, const std::string& name, bool suspended)
{
  return patch(cronjob_path(ns, name), {{"spec", {{"suspend", suspended}}}}, PatchType::merge);
}

nlohmann::json Client::patch_configmap(const std::string& ns, const std::string& name,
                                       const std::map<std::string, std::optional<std::string>>& data)
{
  nlohmann::json changes = nlohmann::json::object();
  for (const auto& [key, value] : data) {
    changes[key] = value ? nlohmann::json(*value) : nlohmann::json(nullptr);
  }
  return patch(resource_path("v1", "configmaps", ns.empty() ? default_namespace() : ns, name), {{"data", changes}},
               PatchType::merge);
}

nlohmann::json Client::create_event(const EventDraft& draft)
{
  std::string ns = draft.ns.empty() ? default_namespace() : draft.ns;
  std::string now = format_rfc3339_seconds(m_clock.now());
  std::string host = host_name();
  nlohmann::json event = {
      {"apiVersion", "v1"},
      {"kind", "Event"},
      {"metadata", {{"generateName", draft.involved_object.value("name", "credguard") + "."}, {"namespace", ns}}},
      {"involvedObject", draft.involved_object},
      {"reason", draft.reason},
      {"action", draft.action},
      {"message", draft.message},
      {"type", draft.type},
      {"source", {{"component", "credguard"}, {"host", host}}},
      {"reportingComponent", "credguard"},
      {"reportingInstance", host},
      {"firstTimestamp", now},
      {"lastTimestamp", now},
      {"count", 1},
  };
  if (!draft.annotations.empty()) {
    event["metadata"]["annotations"] = draft.annotations;
  }
  return create(resource_path("v1", "events", ns), event);
}

} // namespace credguard::k8s
