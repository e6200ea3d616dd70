// The pod log subresource of the fake Kubernetes API server.
#include "fakes/fake_kube.hpp"
#include "fakes/kube_model.hpp"

#include <credguard/core/strings.hpp>
#include <credguard/core/time_format.hpp>

#include <fmt/format.h>

namespace credguard::test {

using namespace kube_model;

namespace {

// RFC 3339 with nanoseconds, as the kubelet writes with timestamps=true.
std::string nano_time(std::chrono::system_clock::time_point when)
{
  auto seconds = std::chrono::floor<std::chrono::seconds>(when);
  auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(when - seconds).count();
  std::string text = format_rfc3339_seconds(seconds);
  return fmt::format("{}.{:09d}Z", text.substr(0, text.size() - 1), nanos);
}

HttpResponse invalid_option(const std::string& field, const std::string& value, const std::string& problem)
{
  return kube_status(
      422, "Invalid",
      fmt::format("PodLogOptions.meta.k8s.io \"\" is invalid: {}: Invalid value: {}: {}", field, value, problem));
}

} // namespace

HttpResponse FakeKubeApi::pod_log(const HttpRequest& request, const Route& route)
{
  auto pods = m_objects.find("pods");
  if (pods == m_objects.end() || pods->second.count(key_of(route.ns, route.name)) == 0) {
    return kube_status(404, "NotFound", fmt::format("pods \"{}\" not found", route.name),
                       {{"name", route.name}, {"kind", "pods"}});
  }
  const auto& pod = pods->second.at(key_of(route.ns, route.name));
  // PROTOCOL-NOTES, pod logs: a pod never scheduled answers 204 No Content
  // with an empty body; a node without addresses is a 500 Status without
  // reason.
  std::string node = pod.value("spec", nlohmann::json::object()).value("nodeName", "");
  if (node.empty()) {
    return HttpResponse::text(204, "");
  }
  if (auto nodes = m_objects.find("nodes"); nodes != m_objects.end() && nodes->second.count(key_of("", node)) > 0) {
    auto addresses = nodes->second.at(key_of("", node))
                         .value("status", nlohmann::json::object())
                         .value("addresses", nlohmann::json::array());
    if (addresses.empty()) {
      return kube_status(500, "", "no preferred addresses found; known addresses: []");
    }
    if (m_kubelets_down.count(node) > 0) {
      std::string address = addresses[0].value("address", "");
      return kube_status(500, "",
                         fmt::format("Get \"https://{}:10250/containerLogs/{}/{}/{}\": dial tcp {}:10250: connect: "
                                     "connection refused",
                                     address, route.ns, route.name, request.param("container").value_or(""), address));
    }
  }
  std::vector<std::string> containers;
  for (const auto& c : pod.value("spec", nlohmann::json::object()).value("containers", nlohmann::json::array())) {
    containers.push_back(c.value("name", ""));
  }
  auto container = request.param("container").value_or("");
  if (container.empty()) {
    if (containers.size() > 1) {
      return kube_status(400, "BadRequest",
                         fmt::format("a container name must be specified for pod {}, choose one of: [{}]", route.name,
                                     join(containers, " ")));
    }
    container = containers.empty() ? "" : containers.front();
  } else if (std::find(containers.begin(), containers.end(), container) == containers.end()) {
    return kube_status(400, "BadRequest", fmt::format("container {} is not valid for pod {}", container, route.name));
  }
  std::optional<long long> since;
  if (auto text = request.param("sinceSeconds")) {
    since = parse_int(*text);
    if (!since || *since < 1) {
      return invalid_option("sinceSeconds", *text, "must be greater than 0");
    }
  }
  std::optional<long long> tail;
  if (auto text = request.param("tailLines")) {
    tail = parse_int(*text);
    if (!tail || *tail < 0) {
      return invalid_option("tailLines", *text, "must be greater than or equal to 0");
    }
  }
  bool timestamps = request.param("timestamps").value_or("") == "true";
  std::vector<const LogLine*> lines;
  auto from = std::chrono::system_clock::now() - std::chrono::seconds(since.value_or(0));
  auto log = m_logs.find(route.ns + "/" + route.name + "/" + container);
  if (log != m_logs.end()) {
    for (const auto& line : log->second) {
      if (!since || line.when >= from) {
        lines.push_back(&line);
      }
    }
  }
  std::size_t first =
      tail && static_cast<std::size_t>(*tail) < lines.size() ? lines.size() - static_cast<std::size_t>(*tail) : 0;
  std::string body;
  for (std::size_t i = first; i < lines.size(); ++i) {
    if (timestamps) {
      body += nano_time(lines[i]->when) + " ";
    }
    body += lines[i]->text + "\n";
  }
  return HttpResponse::text(200, body);
}

} // namespace credguard::test
