#include "fakes/fake_kube.hpp"

#include "fakes/kube_model.hpp"

#include <credguard/core/strings.hpp>
#include <credguard/core/time_format.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

namespace credguard::test {

using namespace kube_model;

HttpResponse kube_status(int code, const std::string& reason, const std::string& message, const nlohmann::json& details)
{
  nlohmann::json status = {{"kind", "Status"},
                           {"apiVersion", "v1"},
                           {"metadata", nlohmann::json::object()},
                           {"status", "Failure"},
                           {"message", message}};
  // PROTOCOL-NOTES, pod logs: some errors (a node without addresses) are a
  // Status without reason.
  if (!reason.empty()) {
    status["reason"] = reason;
  }
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

void FakeKubeApi::serve_as(KubeRelease release)
{
  std::lock_guard lock(m_mutex);
  m_release = release;
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

void FakeKubeApi::kubelet_unreachable(const std::string& node)
{
  std::lock_guard lock(m_mutex);
  m_kubelets_down.insert(node);
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
  apply_defaults(object);
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
  if ((parts.size() == 2 || parts.size() == 3) && parts[0] == "apis") {
    return discovery(parts, request.path, user);
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
    auto resources = served_resources(route.group_version, m_release);
    served = std::find(resources.begin(), resources.end(), route.info->resource) != resources.end() &&
             route.group_version.starts_with(group.empty() ? "v1" : group + "/");
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

HttpResponse FakeKubeApi::discovery(const std::vector<std::string>& parts, const std::string& path,
                                    const std::string& user)
{
  if (user.empty()) {
    return kube_status(403, "Forbidden",
                       fmt::format("forbidden: User \"system:anonymous\" cannot get path \"{}\"", path));
  }
  auto versions = group_versions(parts[1], m_release);
  if (parts.size() == 3) {
    std::string group_version = parts[1] + "/" + parts[2];
    if (std::find(versions.begin(), versions.end(), group_version) == versions.end()) {
      return kube_status(404, "NotFound", "the server could not find the requested resource");
    }
    return HttpResponse::json(200, resource_list(group_version, m_release).dump());
  }
  if (versions.empty()) {
    return kube_status(404, "NotFound", "the server could not find the requested resource");
  }
  nlohmann::json listed = nlohmann::json::array();
  for (const auto& version : versions) {
    listed.push_back({{"groupVersion", version}, {"version", version.substr(version.find('/') + 1)}});
  }
  return HttpResponse::json(200, nlohmann::json{{"kind", "APIGroup"},
                                                {"apiVersion", "v1"},
                                                {"name", parts[1]},
                                                {"versions", listed},
                                                {"preferredVersion", listed[0]}}
                                     .dump());
}

namespace {

// metav1.MicroTime, as events.k8s.io/v1 writes it.
std::string micro_time(std::chrono::system_clock::time_point when)
{
  auto seconds = std::chrono::floor<std::chrono::seconds>(when);
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(when - seconds).count();
  std::string text = format_rfc3339_seconds(seconds);
  return fmt::format("{}.{:06d}Z", text.substr(0, text.size() - 1), micros);
}

} // namespace

nlohmann::json series_event(const std::string& name, const std::string& ns, const std::string& kind,
                            const std::string& object, const std::string& reason,
                            std::chrono::system_clock::time_point first, std::chrono::system_clock::time_point last,
                            long long count)
{
  return {{"apiVersion", "v1"},
          {"kind", "Event"},
          {"metadata", {{"name", name}, {"namespace", ns}}},
          {"involvedObject", {{"kind", kind}, {"name", object}, {"namespace", ns}}},
          {"reason", reason},
          {"message", reason + " repeated"},
          {"type", "Warning"},
          {"source", nlohmann::json::object()},
          {"firstTimestamp", nullptr},
          {"lastTimestamp", nullptr},
          {"eventTime", micro_time(first)},
          {"series", {{"count", count}, {"lastObservedTime", micro_time(last)}}},
          {"reportingComponent", "kubelet"},
          {"reportingInstance", "node-1"},
          {"action", "Pulling"}};
}

} // namespace credguard::test
