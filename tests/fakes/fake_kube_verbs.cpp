// The verbs of the fake Kubernetes API server: get, create, update, patch,
// delete, and the /scale subresource (list: fake_kube_list.cpp).
#include "fakes/fake_kube.hpp"
#include "fakes/kube_model.hpp"

#include <credguard/core/strings.hpp>

#include <fmt/format.h>

namespace credguard::test {

using namespace kube_model;

namespace {

nlohmann::json details(const ResourceInfo& info, const std::string& name)
{
  nlohmann::json out = {{"name", name}};
  if (!info.group.empty()) {
    out["group"] = info.group;
  }
  out["kind"] = info.resource;
  return out;
}

HttpResponse not_found(const ResourceInfo& info, const std::string& name)
{
  return kube_status(404, "NotFound", fmt::format("{} \"{}\" not found", qualified(info), name), details(info, name));
}

HttpResponse conflict(const ResourceInfo& info, const std::string& name)
{
  return kube_status(409, "Conflict",
                     fmt::format("Operation cannot be fulfilled on {} \"{}\": the object has been modified; please "
                                 "apply your changes to the latest version and try again",
                                 qualified(info), name),
                     details(info, name));
}

// The request's media type; PROTOCOL-NOTES: a POST or PATCH with no
// Content-Type is taken as JSON (`absent`: what JSON means for the verb).
std::string media_type(const HttpRequest& request, const char* absent = "application/json")
{
  auto value = request.header("Content-Type").value_or("");
  std::string type(trim(value.substr(0, value.find(';'))));
  return type.empty() ? absent : type;
}

// PROTOCOL-NOTES: a wrong Content-Type is 415 `415: Unsupported Media Type`.
HttpResponse unsupported_media_type()
{
  return kube_status(415, "UnsupportedMediaType", "415: Unsupported Media Type");
}

std::optional<nlohmann::json> parse(const std::string& body)
{
  try {
    return nlohmann::json::parse(body);
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

std::string resource_version(const nlohmann::json& object)
{
  if (!object.is_object() || !object.contains("metadata") || !object["metadata"].is_object()) {
    return "";
  }
  return object["metadata"].value("resourceVersion", "");
}

// Applies a PATCH body to `target` by its Content-Type. Returns an error
// response, or nullopt when applied.
std::optional<HttpResponse> apply_patch(const HttpRequest& request, nlohmann::json& target)
{
  // JSON for a PATCH: the body merged into the object.
  std::string type = media_type(request, "application/merge-patch+json");
  auto patch = parse(request.body);
  if (type != "application/merge-patch+json" && type != "application/strategic-merge-patch+json" &&
      type != "application/json-patch+json") {
    return unsupported_media_type();
  }
  if (!patch) {
    return kube_status(400, "BadRequest", "error decoding patch: invalid JSON");
  }
  if (type == "application/merge-patch+json") {
    target.merge_patch(*patch);
  } else if (type == "application/strategic-merge-patch+json") {
    strategic_merge(target, *patch);
  } else {
    try {
      target = target.patch(*patch);
    } catch (const nlohmann::json::exception& e) {
      return kube_status(422, "Invalid",
                         fmt::format("the server rejected our request due to an error in our "
                                     "request: {}",
                                     e.what()));
    }
  }
  return std::nullopt;
}

nlohmann::json make_scale(const nlohmann::json& deployment)
{
  const auto& metadata = deployment["metadata"];
  nlohmann::json spec = nlohmann::json::object();
  long long replicas = deployment.value("spec", nlohmann::json::object()).value("replicas", 0LL);
  if (replicas != 0) {
    spec["replicas"] = replicas;
  }
  std::vector<std::string> selector;
  auto labels =
      deployment["spec"].value("selector", nlohmann::json::object()).value("matchLabels", nlohmann::json::object());
  for (auto it = labels.begin(); it != labels.end(); ++it) {
    selector.push_back(it.key() + "=" + it->get<std::string>());
  }
  return {{"kind", "Scale"},
          {"apiVersion", "autoscaling/v1"},
          {"metadata",
           {{"name", metadata.value("name", "")},
            {"namespace", metadata.value("namespace", "")},
            {"uid", metadata.value("uid", "")},
            {"resourceVersion", metadata.value("resourceVersion", "")},
            {"creationTimestamp", metadata.value("creationTimestamp", "")}}},
          {"spec", spec},
          {"status",
           {{"replicas", deployment.value("status", nlohmann::json::object()).value("replicas", 0LL)},
            {"selector", join(selector, ",")}}}};
}

} // namespace

HttpResponse FakeKubeApi::dispatch(const HttpRequest& request, const Route& route, const std::string& user)
{
  const ResourceInfo& info = *route.info;
  const std::string& method = request.method;
  std::string verb = method == "GET"      ? (route.name.empty() ? "list" : "get")
                     : method == "POST"   ? "create"
                     : method == "PUT"    ? "update"
                     : method == "PATCH"  ? "patch"
                     : method == "DELETE" ? "delete"
                                          : "";
  bool needs_name = verb == "get" || verb == "update" || verb == "patch" || verb == "delete";
  if (verb.empty() || (verb == "create" && !route.name.empty()) || (needs_name && route.name.empty())) {
    return kube_status(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
  }
  std::string resource = route.subresource.empty() ? info.resource : info.resource + "/" + route.subresource;
  if (user.empty() || m_denied.count(user + " " + verb + " " + info.resource) > 0 ||
      (!route.subresource.empty() && m_denied.count(user + " " + verb + " " + resource) > 0)) {
    std::string subject = route.name.empty() ? qualified(info) : fmt::format("{} \"{}\"", qualified(info), route.name);
    std::string scope = route.ns.empty() ? "at the cluster scope" : fmt::format("in the namespace \"{}\"", route.ns);
    return kube_status(403, "Forbidden",
                       fmt::format("{} is forbidden: User \"{}\" cannot {} resource \"{}\" in API group \"{}\" {}",
                                   subject, user.empty() ? "system:anonymous" : user, verb, resource, info.group,
                                   scope),
                       details(info, route.name));
  }
  if (route.subresource == "scale") {
    return scale(request, route);
  }
  if (route.subresource == "log") {
    return verb == "get" ? pod_log(request, route)
                         : kube_status(405, "MethodNotAllowed",
                                       "the server does not allow this method on the requested resource");
  }
  if (verb == "list") {
    return list(request, route);
  }
  if (verb == "create") {
    return create(request, route);
  }
  auto& objects = m_objects[info.resource];
  auto it = objects.find(key_of(route.ns, route.name));
  if (it == objects.end()) {
    return not_found(info, route.name);
  }
  if (verb == "get") {
    // An object reads in the version it is asked through (batch/v1beta1 or batch/v1).
    auto object = it->second;
    object["apiVersion"] = route.group_version;
    auto response = HttpResponse::json(200, object.dump());
    if (m_interleave > 0) {
      --m_interleave;
      it->second = stamp(it->second, &it->second);
    }
    return response;
  }
  if (verb == "delete") {
    auto response = HttpResponse::json(200, it->second.dump());
    objects.erase(it);
    ++m_resource_version;
    return response;
  }
  if (verb == "update") {
    if (media_type(request) != "application/json") {
      return unsupported_media_type();
    }
    auto body = parse(request.body);
    if (!body || !body->is_object()) {
      return kube_status(400, "BadRequest", "the body of the request is not a JSON object");
    }
    // PROTOCOL-NOTES: a PUT without metadata.resourceVersion is an
    // unconditional update.
    return write(request, route, *body, !resource_version(*body).empty());
  }
  nlohmann::json patched = it->second;
  if (auto error = apply_patch(request, patched)) {
    return *error;
  }
  // A patch that names a resourceVersion is a conditional write.
  auto patch = parse(request.body);
  bool conditional = patch && patch->is_object() && !resource_version(*patch).empty();
  return write(request, route, patched, conditional);
}

HttpResponse FakeKubeApi::write(const HttpRequest& request, const Route& route, nlohmann::json updated,
                                bool conditional)
{
  (void)request;
  const ResourceInfo& info = *route.info;
  auto& stored = m_objects[info.resource][key_of(route.ns, route.name)];
  if (conditional && resource_version(updated) != resource_version(stored)) {
    return conflict(info, route.name);
  }
  if (updated["metadata"].value("name", route.name) != route.name) {
    return kube_status(400, "BadRequest",
                       fmt::format("the name of the object ({}) does not match the name on the URL ({})",
                                   updated["metadata"].value("name", ""), route.name));
  }
  updated["kind"] = stored["kind"];
  updated["apiVersion"] = stored["apiVersion"];
  updated["metadata"]["name"] = route.name;
  if (info.namespaced) {
    updated["metadata"]["namespace"] = route.ns;
  }
  stored = stamp(std::move(updated), &stored);
  auto answer = stored;
  answer["apiVersion"] = route.group_version;
  return HttpResponse::json(200, answer.dump());
}

HttpResponse FakeKubeApi::create(const HttpRequest& request, const Route& route)
{
  const ResourceInfo& info = *route.info;
  if (media_type(request) != "application/json") {
    return unsupported_media_type();
  }
  auto body = parse(request.body);
  if (!body || !body->is_object()) {
    return kube_status(400, "BadRequest", "the body of the request is not a JSON object");
  }
  auto& metadata = (*body)["metadata"];
  if (!metadata.is_object()) {
    metadata = nlohmann::json::object();
  }
  if (metadata.value("namespace", route.ns) != route.ns) {
    return kube_status(400, "BadRequest",
                       "the namespace of the provided object does not match the namespace sent on the request");
  }
  if (body->value("kind", info.kind) != info.kind) {
    return kube_status(400, "BadRequest",
                       fmt::format("the kind in the data ({}) does not match {}", body->value("kind", ""), info.kind));
  }
  std::string name = metadata.value("name", "");
  if (name.empty() && !metadata.value("generateName", "").empty()) {
    name = metadata.value("generateName", "") + fmt::format("{:05x}", (m_resource_version * 7919) % 0xFFFFF);
  }
  if (name.empty()) {
    return kube_status(422, "Invalid",
                       fmt::format("{} \"\" is invalid: metadata.name: Required value: name or generateName is "
                                   "required",
                                   info.kind));
  }
  auto& objects = m_objects[info.resource];
  if (objects.count(key_of(route.ns, name)) > 0) {
    return kube_status(409, "AlreadyExists", fmt::format("{} \"{}\" already exists", qualified(info), name),
                       details(info, name));
  }
  (*body)["kind"] = info.kind;
  (*body)["apiVersion"] = route.group_version;
  metadata["name"] = name;
  if (info.namespaced) {
    metadata["namespace"] = route.ns;
  }
  auto& stored = objects[key_of(route.ns, name)];
  stored = stamp(std::move(*body), nullptr);
  return HttpResponse::json(201, stored.dump());
}

HttpResponse FakeKubeApi::scale(const HttpRequest& request, const Route& route)
{
  const ResourceInfo& info = *route.info;
  auto& objects = m_objects[info.resource];
  auto it = objects.find(key_of(route.ns, route.name));
  if (it == objects.end()) {
    return not_found(info, route.name);
  }
  nlohmann::json current = make_scale(it->second);
  if (request.method == "GET") {
    auto response = HttpResponse::json(200, current.dump());
    if (m_interleave > 0) {
      --m_interleave;
      it->second = stamp(it->second, &it->second);
    }
    return response;
  }
  nlohmann::json wanted = current;
  bool conditional = false;
  if (request.method == "PUT") {
    if (media_type(request) != "application/json") {
      return unsupported_media_type();
    }
    auto body = parse(request.body);
    if (!body || !body->is_object()) {
      return kube_status(400, "BadRequest", "the body of the request is not a JSON object");
    }
    wanted = *body;
    conditional = !resource_version(wanted).empty();
  } else {
    if (auto error = apply_patch(request, wanted)) {
      return *error;
    }
    auto patch = parse(request.body);
    conditional = patch && patch->is_object() && !resource_version(*patch).empty();
  }
  if (conditional && resource_version(wanted) != resource_version(it->second)) {
    return conflict(info, route.name);
  }
  long long replicas = wanted.value("spec", nlohmann::json::object()).value("replicas", 0LL);
  nlohmann::json deployment = it->second;
  deployment["spec"]["replicas"] = replicas;
  // The controller is instant here: the status follows the spec at once.
  for (const char* field : {"replicas", "updatedReplicas", "readyReplicas", "availableReplicas"}) {
    deployment["status"][field] = replicas;
  }
  it->second = stamp(std::move(deployment), &it->second);
  return HttpResponse::json(200, make_scale(it->second).dump());
}

} // namespace credguard::test
