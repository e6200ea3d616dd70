// The text (non-JSON) GETs of the client: pod logs.
#include <credguard/core/strings.hpp>
#include <credguard/k8s/client.hpp>

#include <fmt/format.h>

namespace credguard::k8s {

std::optional<std::string> Client::get_text(const std::string& path)
{
  http::Request request;
  request.url = path;
  // Errors still come as Status JSON whatever is accepted.
  request.header("Accept", "text/plain, application/json;q=0.9, */*;q=0.8");
  auto response = exchange(request);
  if (!response.ok()) {
    throw api_error(request, response);
  }
  if (response.status == 204) {
    return std::nullopt;
  }
  return std::move(response.body);
}

std::optional<std::string> Client::pod_log(const std::string& ns, const std::string& pod, const LogOptions& options)
{
  std::vector<std::string> query;
  if (!options.container.empty()) {
    query.push_back("container=" + percent_encode(options.container));
  }
  if (options.since_seconds) {
    query.push_back(fmt::format("sinceSeconds={}", *options.since_seconds));
  }
  if (options.tail_lines) {
    query.push_back(fmt::format("tailLines={}", *options.tail_lines));
  }
  if (options.timestamps) {
    query.push_back("timestamps=true");
  }
  std::string path = resource_path("v1", "pods", ns.empty() ? default_namespace() : ns, pod, "log");
  return get_text(query.empty() ? path : path + "?" + join(query, "&"));
}

} // namespace credguard::k8s
