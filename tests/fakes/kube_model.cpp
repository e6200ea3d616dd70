#include "fakes/kube_model.hpp"

#include <credguard/core/strings.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace credguard::test::kube_model {

const std::vector<ResourceInfo>& resources()
{
  static const std::vector<ResourceInfo> k_resources = {
      {"pods",
       "Pod",
       "",
       true,
       {"spec.nodeName", "spec.restartPolicy", "spec.serviceAccountName", "status.phase", "status.podIP"}},
      {"nodes", "Node", "", false, {"spec.unschedulable"}},
      {"namespaces", "Namespace", "", false, {"status.phase"}},
      {"configmaps", "ConfigMap", "", true, {}},
      {"events",
       "Event",
       "",
       true,
       {"involvedObject.apiVersion", "involvedObject.fieldPath", "involvedObject.kind", "involvedObject.name",
        "involvedObject.namespace", "involvedObject.resourceVersion", "involvedObject.uid", "reason",
        "reportingComponent", "source", "type"}},
      {"deployments", "Deployment", "apps", true, {}},
      {"cronjobs", "CronJob", "batch", true, {}},
      {"jobs", "Job", "batch", true, {"status.successful"}},
  };
  return k_resources;
}

const ResourceInfo* find_resource(const std::string& resource)
{
  const auto& all = resources();
  auto it = std::find_if(all.begin(), all.end(), [&](const ResourceInfo& info) { return info.resource == resource; });
  return it == all.end() ? nullptr : &*it;
}

const ResourceInfo* find_kind(const std::string& kind)
{
  const auto& all = resources();
  auto it = std::find_if(all.begin(), all.end(), [&](const ResourceInfo& info) { return info.kind == kind; });
  return it == all.end() ? nullptr : &*it;
}

std::string qualified(const ResourceInfo& info)
{
  return info.group.empty() ? info.resource : info.resource + "." + info.group;
}

std::string key_of(const std::string& ns, const std::string& name)
{
  return ns + "/" + name;
}

std::string hex(const std::string& text)
{
  std::string out;
  for (char c : text) {
    out += fmt::format("{:02x}", static_cast<unsigned char>(c));
  }
  return out;
}

std::optional<std::string> unhex(const std::string& text)
{
  if (text.size() % 2 != 0) {
    return std::nullopt;
  }
  std::string out;
  for (std::size_t i = 0; i < text.size(); i += 2) {
    try {
      out += static_cast<char>(std::stoi(text.substr(i, 2), nullptr, 16));
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  return out;
}

std::vector<std::string> group_versions(const std::string& group, KubeRelease release)
{
  if (group == "apps") {
    return {"apps/v1"};
  }
  if (group == "batch") {
    // PROTOCOL-NOTES: 1.20 lists batch/v1 (preferred) and batch/v1beta1;
    // batch/v1beta1 is gone in 1.25.
    return release == KubeRelease::v1_20 ? std::vector<std::string>{"batch/v1", "batch/v1beta1"}
                                         : std::vector<std::string>{"batch/v1"};
  }
  return {};
}

std::vector<std::string> served_resources(const std::string& group_version, KubeRelease release)
{
  if (group_version == "v1") {
    return {"configmaps", "events", "namespaces", "nodes", "pods"};
  }
  if (group_version == "apps/v1") {
    return {"deployments"};
  }
  // PROTOCOL-NOTES: on 1.20, batch/v1 serves only jobs; CronJobs are in
  // batch/v1beta1. From 1.21 they are in batch/v1.
  if (group_version == "batch/v1") {
    return release == KubeRelease::v1_20 ? std::vector<std::string>{"jobs"}
                                         : std::vector<std::string>{"cronjobs", "jobs"};
  }
  if (group_version == "batch/v1beta1" && release == KubeRelease::v1_20) {
    return {"cronjobs"};
  }
  return {};
}

nlohmann::json resource_list(const std::string& group_version, KubeRelease release)
{
  nlohmann::json items = nlohmann::json::array();
  for (const auto& name : served_resources(group_version, release)) {
    const ResourceInfo* info = find_resource(name);
    items.push_back({{"name", name},
                     {"singularName", ""},
                     {"namespaced", info->namespaced},
                     {"kind", info->kind},
                     {"verbs", {"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}}});
    std::vector<std::string> subresources{"status"};
    if (name == "deployments") {
      subresources.emplace_back("scale");
    } else if (name == "pods") {
      subresources.emplace_back("log");
    }
    if (name != "configmaps" && name != "events") {
      for (const auto& sub : subresources) {
        items.push_back({{"name", name + "/" + sub},
                         {"singularName", ""},
                         {"namespaced", info->namespaced},
                         {"kind", sub == "scale" ? "Scale"
                                  : sub == "log" ? "Pod"
                                                 : info->kind},
                         {"verbs", sub == "log" ? nlohmann::json{"get"} : nlohmann::json{"get", "patch", "update"}}});
      }
    }
  }
  return {{"kind", "APIResourceList"}, {"apiVersion", "v1"}, {"groupVersion", group_version}, {"resources", items}};
}

void apply_defaults(nlohmann::json& object)
{
  std::string kind = object.value("kind", "");
  auto spec = [&object]() -> nlohmann::json& {
    if (!object.contains("spec") || !object["spec"].is_object()) {
      object["spec"] = nlohmann::json::object();
    }
    return object["spec"];
  };
  // PROTOCOL-NOTES, zero values: spec.replicas of a Deployment is always
  // present (defaulted to 1); a CronJob's suspend: false is present.
  if (kind == "Deployment" && !spec().contains("replicas")) {
    spec()["replicas"] = 1;
  } else if (kind == "CronJob" && !spec().contains("suspend")) {
    spec()["suspend"] = false;
  } else if (kind == "Event") {
    // PROTOCOL-NOTES, Events: unset fields come back as eventTime: null,
    // reportingComponent: "".
    for (const char* key : {"eventTime", "reportingComponent", "reportingInstance"}) {
      if (!object.contains(key)) {
        object[key] = std::string_view(key) == "eventTime" ? nlohmann::json(nullptr) : nlohmann::json("");
      }
    }
  }
}

void omit_zero_status(nlohmann::json& object)
{
  if (object.value("kind", "") != "Deployment" || !object.contains("status")) {
    return;
  }
  for (const char* field :
       {"replicas", "updatedReplicas", "readyReplicas", "availableReplicas", "unavailableReplicas"}) {
    if (object["status"].contains(field) && object["status"][field] == 0) {
      object["status"].erase(field);
    }
  }
}

void strategic_merge(nlohmann::json& target, const nlohmann::json& patch)
{
  if (!patch.is_object() || !target.is_object()) {
    target = patch;
    return;
  }
  for (auto it = patch.begin(); it != patch.end(); ++it) {
    bool keyed_list = it->is_array() && target.contains(it.key()) && target[it.key()].is_array() &&
                      std::all_of(it->begin(), it->end(),
                                  [](const nlohmann::json& e) { return e.is_object() && e.contains("name"); });
    if (it->is_null()) {
      target.erase(it.key());
    } else if (keyed_list) {
      auto& list = target[it.key()];
      for (const auto& element : *it) {
        auto existing = std::find_if(list.begin(), list.end(), [&](const nlohmann::json& e) {
          return e.is_object() && e.value("name", "") == element["name"];
        });
        if (existing == list.end()) {
          list.push_back(element);
        } else {
          strategic_merge(*existing, element);
        }
      }
    } else if (it->is_object() && target.contains(it.key())) {
      strategic_merge(target[it.key()], *it);
    } else {
      target[it.key()] = *it;
    }
  }
}

namespace {

// Splits on commas outside parentheses.
std::vector<std::string> requirements(const std::string& selector)
{
  std::vector<std::string> out;
  std::string current;
  int depth = 0;
  for (char c : selector) {
    depth += c == '(' ? 1 : c == ')' ? -1 : 0;
    if (c == ',' && depth == 0) {
      out.emplace_back(trim(current));
      current.clear();
    } else {
      current += c;
    }
  }
  if (!trim(current).empty() || !out.empty()) {
    out.emplace_back(trim(current));
  }
  return out;
}

bool match_requirement(const std::string& requirement, const nlohmann::json& labels)
{
  auto label = [&](const std::string& key) -> std::optional<std::string> {
    if (labels.is_object() && labels.contains(key) && labels[key].is_string()) {
      return labels[key].get<std::string>();
    }
    return std::nullopt;
  };
  if (requirement.empty()) {
    throw BadSelector("unable to parse requirement: found '', expected: identifier");
  }
  if (requirement[0] == '!') {
    return !label(std::string(trim(requirement.substr(1))));
  }
  for (const char* op : {" notin ", " in "}) {
    auto pos = requirement.find(op);
    if (pos == std::string::npos) {
      continue;
    }
    std::string key(trim(requirement.substr(0, pos)));
    std::string values(trim(requirement.substr(pos + std::string_view(op).size())));
    if (values.size() < 2 || values.front() != '(' || values.back() != ')') {
      throw BadSelector(fmt::format("unable to parse requirement: found '{}', expected: '('", values));
    }
    auto set = split_list(values.substr(1, values.size() - 2));
    auto value = label(key);
    bool member = value && std::find(set.begin(), set.end(), *value) != set.end();
    return std::string_view(op) == " in " ? member : !member;
  }
  for (const char* op : {"!=", "==", "="}) {
    auto pos = requirement.find(op);
    if (pos == std::string::npos) {
      continue;
    }
    std::string key(trim(requirement.substr(0, pos)));
    std::string value(trim(requirement.substr(pos + std::string_view(op).size())));
    if (key.empty()) {
      throw BadSelector("unable to parse requirement: found '" + std::string(op) + "', expected: identifier");
    }
    auto actual = label(key);
    return std::string_view(op) == "!=" ? actual != value : actual == value;
  }
  if (requirement.find_first_of(" ()") != std::string::npos) {
    throw BadSelector(fmt::format("unable to parse requirement: invalid label key \"{}\"", requirement));
  }
  return label(requirement).has_value();
}

std::string field_value(const nlohmann::json& object, const std::string& field)
{
  std::string path = field == "source" ? "source.component" : field;
  const nlohmann::json* node = &object;
  for (const auto& part : split(path, '.')) {
    if (!node->is_object() || !node->contains(part)) {
      return field == "spec.unschedulable" ? "false" : "";
    }
    node = &(*node)[part];
  }
  if (node->is_string()) {
    return node->get<std::string>();
  }
  return node->is_null() ? "" : node->dump();
}

} // namespace

bool match_labels(const std::string& selector, const nlohmann::json& labels)
{
  auto all = requirements(selector);
  return std::all_of(all.begin(), all.end(), [&](const std::string& r) { return match_requirement(r, labels); });
}

bool match_fields(const std::string& selector, const nlohmann::json& object, const std::vector<std::string>& supported)
{
  for (const auto& requirement : requirements(selector)) {
    bool negate = requirement.find("!=") != std::string::npos;
    auto pos = requirement.find(negate ? "!=" : "=");
    if (pos == std::string::npos) {
      throw BadSelector(fmt::format("invalid selector: '{}'; can't understand '{}'", selector, requirement));
    }
    std::string field(trim(requirement.substr(0, pos)));
    std::size_t value_at = pos + (negate || requirement.compare(pos, 2, "==") == 0 ? 2 : 1);
    std::string value(trim(requirement.substr(value_at)));
    if (field != "metadata.name" && field != "metadata.namespace" &&
        std::find(supported.begin(), supported.end(), field) == supported.end()) {
      throw BadSelector(fmt::format("field label not supported: {}", field));
    }
    if ((field_value(object, field) == value) == negate) {
      return false;
    }
  }
  return true;
}

} // namespace credguard::test::kube_model
