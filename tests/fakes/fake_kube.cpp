#include "fakes/fake_kube.hpp"

#include "fakes/kube_model.hpp"

#include <credguard/core/strings.hpp>
#include <credguard/core/time_format.hpp>

#include <fmt/format.h>

#include <chrono>

namespace credguard::test {

using namespace kube_model;

HttpResponse kube_status(int code, const std::string& reason, const std::string& message, const nlohmann::json& details)
{
  nlohmann::json status = {{"kind", "Status"},    {"apiVersion", "v1"}, {"metadata", nlohmann::json::object()},
                           {"status", "Failure"}, {"message", message}, {"reason", reason}};
  if (!details.empty()) {
    status["details"] = details;
  }
  status["code"] = code;
  return HttpResponse::json(code, status.dump());
}

FakeKubeApi::FakeKubeApi(std::optional<CertPair> tls, std::optional<std::string> client_ca_pem)
  : m_server([this](const HttpRequest& request) { return handle(request); }, std::move(tls), std::move(client_ca_pem))
{}

void FakeKubeApi::add_token(const std::string& token, const std::string& user)
{
  std::lock_guard lock(m_mutex);
  m_tokens[token] = user;
}

void FakeKubeApi::deny(const std::string& user, const std::string& verb, const std::string& resource)
{
  std::lock_guard lock(m_mutex);
  m_denied.insert(user + " " + verb + " " + resource);
}

void FakeKubeApi::set_batch_versions(std::vector<std::string> versions)
{
  std::lock_guard lock(m_mutex);
  m_batch_versions = std::move(versions);
}

void FakeKubeApi::expire_continue_tokens()
{
  std::lock_guard lock(m_mutex);
  m_expire_continue = true;
}

void FakeKubeApi::interleave_writes(int count)
{
  std::lock_guard lock(m_mutex);
  m_interleave = count;
}

void FakeKubeApi::set_unavailable(bool unavailable)
{
  std::lock_guard lock(m_mutex);
  m_unavailable = unavailable;
}

nlohmann::json FakeKubeApi::stamp(nlohmann::json object, const nlohmann::json* previous)
{
  auto& metadata = object["metadata"];
  metadata["resourceVersion"] = std::to_string(++m_resource_version);
  if (previous != nullptr) {
    metadata["uid"] = (*previous)["metadata"].value("uid", "");
    metadata["creationTimestamp"] = (*previous)["metadata"].value("creationTimestamp", "");
  } else {
    metadata["uid"] = fmt::format("00000000-0000-4000-8000-{:012d}", ++m_uid);
    metadata["creationTimestamp"] = format_rfc3339_seconds(std::chrono::system_clock::now());
  }
  omit_zero_status(object);
  return object;
}

nlohmann::json FakeKubeApi::put(nlohmann::json object)
{
  std::lock_guard lock(m_mutex);
  const ResourceInfo* info = find_kind(object.value("kind", ""));
  if (info == nullptr) {
    throw std::runtime_error("FakeKubeApi::put: unsupported kind " + object.value("kind", ""));
  }
  std::string ns = info->namespaced ? object["metadata"].value("namespace", "") : "";
  if (info->namespaced && ns.empty()) {
    throw std::runtime_error("FakeKubeApi::put: metadata.namespace is required for " + info->kind);
  }
  auto& slot = m_objects[info->resource][key_of(ns, object["metadata"].value("name", ""))];
  slot = stamp(std::move(object), slot.is_null() ? nullptr : &slot);
  return slot;
}

void FakeKubeApi::add_log_line(const std::string& ns, const std::string& pod, const std::string& container,
                               std::chrono::system_clock::time_point when, const std::string& line)
{
  std::lock_guard lock(m_mutex);
  m_logs[ns + "/" + pod + "/" + container].push_back({when, line});
}

std::optional<nlohmann::json> FakeKubeApi::get(const std::string& resource, const std::string& ns,
                                               const std::string& name) const
{
  std::lock_guard lock(m_mutex);
  auto r = m_objects.find(resource);
  if (r == m_objects.end()) {
    return std::nullopt;
  }
  auto it = r->second.find(key_of(ns, name));
  return it == r->second.end() ? std::nullopt : std::optional<nlohmann::json>(it->second);
}

HttpResponse FakeKubeApi::handle(const HttpRequest& request)
{
  std::lock_guard lock(m_mutex);
  if (m_unavailable) {
    return kube_status(503, "ServiceUnavailable", "the server is currently unable to handle the request");
  }
  std::string user = request.client_subject;
  if (auto auth = request.header("Authorization")) {
    auto it = auth->starts_with("Bearer ") ? m_tokens.find(auth->substr(7)) : m_tokens.end();
    if (it == m_tokens.end()) {
      return kube_status(401, "Unauthorized", "Unauthorized");
    }
    user = it->second;
  }
  auto parts = split_list(request.path, '/');
  if (parts.size() == 2 && parts[0] == "apis" && (parts[1] == "batch" || parts[1] == "apps")) {
    std::vector<std::string> served = parts[1] == "apps" ? std::vector<std::string>{"apps/v1"} : m_batch_versions;
    if (served.empty() || user.empty()) {
      return user.empty()
                 ? kube_status(403, "Forbidden",
                               fmt::format("forbidden: User \"system:anonymous\" cannot get path \"{}\"", request.path))
                 : kube_status(404, "NotFound", "the server could not find the requested resource");
    }
    nlohmann::json versions = nlohmann::json::array();
    for (const auto& version : served) {
      versions.push_back({{"groupVersion", version}, {"version", version.substr(version.find('/') + 1)}});
    }
    return HttpResponse::json(200, nlohmann::json{{"kind", "APIGroup"},
                                                  {"apiVersion", "v1"},
                                                  {"name", parts[1]},
                                                  {"versions", versions},
                                                  {"preferredVersion", versions[0]}}
                                       .dump());
  }
  Route route;
  std::size_t rest = 0;
  if (parts.size() >= 3 && parts[0] == "api" && parts[1] == "v1") {
    route.group_version = "v1";
    rest = 2;
  } else if (parts.size() >= 4 && parts[0] == "apis") {
    route.group_version = parts[1] + "/" + parts[2];
    rest = 3;
  }
  std::vector<std::string> tail(parts.begin() + static_cast<long>(rest), parts.end());
  if (tail.size() >= 3 && tail[0] == "namespaces") {
    route.ns = tail[1];
    tail.erase(tail.begin(), tail.begin() + 2);
  }
  if (!tail.empty()) {
    route.info = find_resource(tail[0]);
    route.name = tail.size() > 1 ? tail[1] : "";
    route.subresource = tail.size() > 2 ? tail[2] : "";
  }
  bool served = route.info != nullptr && tail.size() <= 3 && (route.info->namespaced || route.ns.empty());
  if (served) {
    const auto& group = route.info->group;
    served = group.empty()      ? route.group_version == "v1"
             : group == "batch" ? std::find(m_batch_versions.begin(), m_batch_versions.end(), route.group_version) !=
                                      m_batch_versions.end()
                                : route.group_version == group + "/v1";
    served = served && (route.subresource.empty() || (route.subresource == "scale" && group == "apps") ||
                        (route.subresource == "log" && route.info->resource == "pods"));
  }
  if (!served) {
    if (user.empty()) {
      return kube_status(403, "Forbidden",
                         fmt::format("forbidden: User \"system:anonymous\" cannot get path \"{}\"", request.path));
    }
    return kube_status(404, "NotFound", "the server could not find the requested resource");
  }
  return dispatch(request, route, user);
}

} // namespace credguard::test
