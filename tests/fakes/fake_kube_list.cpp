// Lists of the fake Kubernetes API server: selectors, `limit` and
// `continue` paging, expired continue tokens.
#include "fakes/fake_kube.hpp"
#include "fakes/kube_model.hpp"

#include <credguard/core/strings.hpp>

#include <fmt/format.h>

namespace credguard::test {

using namespace kube_model;

HttpResponse FakeKubeApi::list(const HttpRequest& request, const Route& route)
{
  const ResourceInfo& info = *route.info;
  auto labels = request.param("labelSelector").value_or("");
  auto fields = request.param("fieldSelector").value_or("");
  auto limit = parse_int(request.param("limit").value_or("0")).value_or(0);
  std::string start;
  if (auto token = request.param("continue"); token && !token->empty()) {
    auto decoded = unhex(*token);
    if (!decoded || decoded->empty()) {
      // PROTOCOL-NOTES: a garbage token is 400 `invalid continue token`.
      return kube_status(400, "BadRequest", "invalid continue token");
    }
    // A token handed out with a 410 continues inconsistently: still valid.
    bool inconsistent = decoded->front() == '~';
    start = decoded->substr(1);
    if (m_expire_continue && !inconsistent) {
      // PROTOCOL-NOTES: after a compaction, 410 Expired with metadata.continue set.
      nlohmann::json status = nlohmann::json::parse(
          kube_status(410, "Expired",
                      "The provided continue parameter is too old to display a consistent list result. You can "
                      "start a new list without the continue parameter, or use the continue token in this "
                      "response to retrieve the remainder of the results. Continuing with the provided token "
                      "results in an inconsistent list - objects that were created, modified, or deleted between "
                      "the time the first chunk was returned and now may show up in the list.")
              .body);
      status["metadata"]["continue"] = hex("~" + start);
      return HttpResponse::json(410, status.dump());
    }
  }
  std::vector<std::pair<std::string, nlohmann::json>> matching;
  try {
    // Selectors are validated even when nothing is there to match.
    if (!labels.empty()) {
      match_labels(labels, nlohmann::json::object());
    }
    if (!fields.empty()) {
      match_fields(fields, nlohmann::json::object(), info.fields);
    }
    for (const auto& [key, object] : m_objects[info.resource]) {
      bool in_scope = route.ns.empty() || key.starts_with(route.ns + "/");
      if (!in_scope || (!start.empty() && key <= start)) {
        continue;
      }
      auto object_labels = object["metadata"].value("labels", nlohmann::json::object());
      if ((labels.empty() || match_labels(labels, object_labels)) &&
          (fields.empty() || match_fields(fields, object, info.fields))) {
        matching.emplace_back(key, object);
      }
    }
  } catch (const BadSelector& e) {
    return kube_status(400, "BadRequest", e.what());
  }
  nlohmann::json metadata = {{"resourceVersion", std::to_string(m_resource_version)}};
  std::size_t count = matching.size();
  if (limit > 0 && static_cast<std::size_t>(limit) < matching.size()) {
    count = static_cast<std::size_t>(limit);
    metadata["continue"] = hex("." + matching[count - 1].first);
    if (labels.empty() && fields.empty()) {
      metadata["remainingItemCount"] = matching.size() - count;
    }
  }
  nlohmann::json items = nlohmann::json::array();
  for (std::size_t i = 0; i < count; ++i) {
    auto item = matching[i].second;
    item.erase("kind");
    item.erase("apiVersion");
    items.push_back(std::move(item));
  }
  return HttpResponse::json(200, nlohmann::json{{"kind", info.kind + "List"},
                                                {"apiVersion", route.group_version},
                                                {"metadata", metadata},
                                                {"items", items}}
                                     .dump());
}

} // namespace credguard::test
