#include "fakes/mlflow.hpp"

#include <credguard/core/strings.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <regex>

namespace credguard::test {

namespace {

using nlohmann::json;

constexpr std::string_view k_prefix = "/api/2.0/mlflow/";

HttpResponse error(int status, const std::string& code, const std::string& message)
{
  return HttpResponse::json(status, json{{"error_code", code}, {"message", message}}.dump());
}

HttpResponse not_found_model(const std::string& name)
{
  return error(404, "RESOURCE_DOES_NOT_EXIST", "Registered Model with name=" + name + " not found");
}

HttpResponse not_found_version(const std::string& name, const std::string& version)
{
  return error(404, "RESOURCE_DOES_NOT_EXIST", "Model Version (name=" + name + ", version=" + version + ") not found");
}

bool reserved_alias(const std::string& alias)
{
  return to_lower(alias) == "latest" || std::regex_match(alias, std::regex("[vV][0-9]+"));
}

// The server-side filter grammar this fake understands: name='X' or
// name="X", optionally AND tags.`key`='value' clauses.
struct Filter {
  std::string name;
  std::vector<std::pair<std::string, std::string>> tags;
  bool valid = true;
};

Filter parse_filter(const std::string& text)
{
  Filter filter;
  std::regex clause(R"(\s*(name|tags\.`([^`]+)`|tags\.([A-Za-z0-9_]+))\s*=\s*(['"])(.*?)\4\s*)");
  std::string rest = text;
  while (!rest.empty()) {
    std::smatch match;
    if (!std::regex_search(rest, match, clause) || match.position(0) != 0) {
      filter.valid = false;
      return filter;
    }
    if (match[1] == "name") {
      filter.name = match[5];
    } else {
      filter.tags.emplace_back(match[2].matched ? match[2].str() : match[3].str(), match[5]);
    }
    rest = rest.substr(static_cast<std::size_t>(match.length(0)));
    std::smatch conj;
    if (std::regex_search(rest, conj, std::regex(R"(^\s*(?:and|AND)\s+)"))) {
      rest = rest.substr(static_cast<std::size_t>(conj.length(0)));
    } else if (!std::all_of(rest.begin(), rest.end(), [](char c) { return c == ' '; })) {
      filter.valid = false;
      return filter;
    } else {
      rest.clear();
    }
  }
  return filter;
}

// Werkzeug splits pairs on '&' and the first '='; a second '=' or a raw
// quote inside a value makes MLflow's filter parser fail with a 500 page.
bool malformed_query(const std::string& query)
{
  for (const auto& pair : split(query, '&')) {
    if (std::count(pair.begin(), pair.end(), '=') > 1 || pair.find('\'') != std::string::npos ||
        pair.find('"') != std::string::npos || pair.find(' ') != std::string::npos) {
      return true;
    }
  }
  return false;
}

} // namespace

FakeMlflow::FakeMlflow()
  : m_server([this](const HttpRequest& request) { return handle(request); })
{}

void FakeMlflow::add_version(const std::string& model, int version, std::map<std::string, std::string> tags)
{
  std::lock_guard lock(m_mutex);
  m_clock += 1000;
  m_models[model].versions[version] = Version{std::move(tags), m_clock, {}};
}

void FakeMlflow::set_alias(const std::string& model, const std::string& alias, int version)
{
  std::lock_guard lock(m_mutex);
  m_models[model].aliases[alias] = version;
}

void FakeMlflow::set_source(const std::string& model, int version, const std::string& source)
{
  std::lock_guard lock(m_mutex);
  m_models[model].versions[version].source = source;
}

std::optional<std::string> FakeMlflow::alias(const std::string& model, const std::string& alias) const
{
  std::lock_guard lock(m_mutex);
  auto it = m_models.find(model);
  if (it == m_models.end() || !it->second.aliases.contains(alias)) {
    return std::nullopt;
  }
  return std::to_string(it->second.aliases.at(alias));
}

std::map<std::string, std::string> FakeMlflow::tags(const std::string& model, int version) const
{
  std::lock_guard lock(m_mutex);
  return m_models.at(model).versions.at(version).tags;
}

void FakeMlflow::require_token(const std::string& token)
{
  std::lock_guard lock(m_mutex);
  m_token = token;
}

void FakeMlflow::set_unavailable(bool unavailable)
{
  std::lock_guard lock(m_mutex);
  m_unavailable = unavailable;
}

void FakeMlflow::set_read_only(bool read_only)
{
  std::lock_guard lock(m_mutex);
  m_read_only = read_only;
}

void FakeMlflow::lose_answers(const std::string& method, const std::string& endpoint, Lost how, int count)
{
  std::lock_guard lock(m_mutex);
  m_lost = LostAnswers{method, endpoint, how, count};
}

std::size_t FakeMlflow::count(const std::string& method, const std::string& endpoint) const
{
  auto requests = m_server.requests();
  return static_cast<std::size_t>(std::count_if(requests.begin(), requests.end(), [&](const HttpRequest& r) {
    return r.method == method && r.path == std::string(k_prefix) + endpoint;
  }));
}

std::string FakeMlflow::version_json(const std::string& name, const Model& model, int number,
                                     const Version& version) const
{
  json object{{"name", name},
              {"version", std::to_string(number)},
              {"creation_timestamp", version.created},
              {"last_updated_timestamp", version.created},
              {"current_stage", "None"},
              {"description", ""},
              {"source", version.source.empty() ? "models:/" + name + "/" + std::to_string(number) : version.source},
              {"run_id", "run" + std::to_string(number)},
              {"status", "READY"}};
  json aliases = json::array();
  for (const auto& [alias, target] : model.aliases) {
    if (target == number) {
      aliases.push_back(alias);
    }
  }
  if (!aliases.empty()) {
    object["aliases"] = aliases;
  }
  if (!version.tags.empty()) {
    json tags = json::array();
    for (const auto& [key, value] : version.tags) {
      tags.push_back({{"key", key}, {"value", value}});
    }
    object["tags"] = tags;
  }
  return object.dump();
}

HttpResponse FakeMlflow::handle(const HttpRequest& request)
{
  std::lock_guard lock(m_mutex);
  if (m_unavailable) {
    return HttpResponse::text(503, "<html><body>503 Service Unavailable</body></html>");
  }
  if (!m_token.empty() && request.header("Authorization") != "Bearer " + m_token) {
    return HttpResponse::text(401, "You are not authenticated. Please see the documentation for details.");
  }
  if (malformed_query(request.query)) {
    auto page = HttpResponse::text(500, "<!doctype html><title>500 Internal Server Error</title>");
    page.headers = {{"Content-Type", "text/html; charset=utf-8"}};
    return page;
  }
  bool write = request.method == "POST" || request.method == "DELETE";
  if (write && m_read_only) {
    // PROTOCOL-NOTES: the basic-auth app's 403 is plain text.
    return HttpResponse::text(403, "Permission denied");
  }
  if (write && !request.header("Content-Type").value_or("").starts_with("application/json")) {
    return error(400, "BAD_REQUEST", "Bad Request. Content-Type must be application/json.");
  }
  auto answer = route(request);
  if (m_lost.count > 0 && request.method == m_lost.method && request.path == std::string(k_prefix) + m_lost.endpoint) {
    // Applied, and then the answer never reaches the client.
    --m_lost.count;
    if (m_lost.how == Lost::dropped) {
      HttpResponse dropped;
      dropped.drop = true;
      return dropped;
    }
    auto page = HttpResponse::text(502, "<html><head><title>502 Bad Gateway</title></head></html>");
    page.headers = {{"Content-Type", "text/html"}};
    return page;
  }
  return answer;
}

HttpResponse FakeMlflow::route(const HttpRequest& request)
{
  // PROTOCOL-NOTES: an unknown endpoint is a 404 and a wrong method a 405,
  // both HTML pages (Flask's), not the JSON error shape.
  auto html = [](int status, const char* title) {
    auto page = HttpResponse::text(status, std::string("<!doctype html>\n<html lang=en>\n<title>") + title +
                                               "</title>\n<h1>" + title + "</h1>\n");
    page.headers = {{"Content-Type", "text/html; charset=utf-8"}};
    return page;
  };
  static const std::map<std::string, std::vector<std::string>> k_endpoints = {
      {"registered-models/get", {"GET"}},   {"model-versions/get", {"GET"}},
      {"model-versions/search", {"GET"}},   {"registered-models/alias", {"GET", "POST", "DELETE"}},
      {"model-versions/set-tag", {"POST"}}, {"model-versions/delete-tag", {"DELETE"}}};
  std::string endpoint = request.path.starts_with(k_prefix) ? request.path.substr(k_prefix.size()) : "";
  auto known = k_endpoints.find(endpoint);
  if (known == k_endpoints.end()) {
    return html(404, "404 Not Found");
  }
  if (std::find(known->second.begin(), known->second.end(), request.method) == known->second.end()) {
    return html(405, "405 Method Not Allowed");
  }
  json body = request.body.empty() ? json::object() : json::parse(request.body, nullptr, false);
  if (body.is_discarded()) {
    return error(400, "MALFORMED_REQUEST", "Malformed request body");
  }
  if (request.method != "GET" && !body.contains("name")) {
    // PROTOCOL-NOTES: DELETE with query parameters only (no body).
    return error(400, "INVALID_PARAMETER_VALUE", "Missing value for required parameter 'name'.");
  }
  // GET parameters come from the query; POST/DELETE parameters from the body only.
  auto arg = [&](const std::string& name) -> std::string {
    if (request.method == "GET") {
      return request.param(name).value_or("");
    }
    auto it = body.find(name);
    return it == body.end() ? "" : it->is_string() ? it->get<std::string>() : it->dump();
  };
  std::string name = arg("name");
  auto model_it = m_models.find(name);
  auto find_version = [&](const std::string& text) -> std::optional<int> {
    auto number = parse_int(text);
    if (model_it == m_models.end() || !number || !model_it->second.versions.contains(static_cast<int>(*number))) {
      return std::nullopt;
    }
    return static_cast<int>(*number);
  };

  if (endpoint == "registered-models/get" && request.method == "GET") {
    if (model_it == m_models.end()) {
      return not_found_model(name);
    }
    json model{{"name", name}, {"creation_timestamp", 1'700'000'000'000}, {"last_updated_timestamp", m_clock}};
    json aliases = json::array();
    for (const auto& [alias, version] : model_it->second.aliases) {
      aliases.push_back({{"alias", alias}, {"version", std::to_string(version)}});
    }
    if (!aliases.empty()) {
      model["aliases"] = aliases;
    }
    return HttpResponse::json(200, json{{"registered_model", model}}.dump());
  }
  if (endpoint == "model-versions/get" && request.method == "GET") {
    std::string version = arg("version");
    if (!parse_int(version)) {
      return error(400, "INVALID_PARAMETER_VALUE", "Model version must be an integer, got '" + version + "'");
    }
    if (model_it == m_models.end()) {
      return not_found_model(name);
    }
    auto number = find_version(version);
    if (!number) {
      return not_found_version(name, version);
    }
    return HttpResponse::json(
        200, "{\"model_version\":" +
                 version_json(name, model_it->second, *number, model_it->second.versions.at(*number)) + "}");
  }
  if (endpoint == "model-versions/search" && request.method == "GET") {
    auto filter = parse_filter(request.param("filter").value_or(""));
    if (!filter.valid) {
      return error(400, "INVALID_PARAMETER_VALUE", "Invalid filter '" + request.param("filter").value_or("") + "'");
    }
    std::vector<std::pair<std::string, int>> rows;
    for (const auto& [model_name, model] : m_models) {
      if (!filter.name.empty() && model_name != filter.name) {
        continue;
      }
      for (const auto& [number, version] : model.versions) {
        bool match = std::all_of(filter.tags.begin(), filter.tags.end(), [&](const auto& tag) {
          auto it = version.tags.find(tag.first);
          return it != version.tags.end() && it->second == tag.second;
        });
        if (match) {
          rows.emplace_back(model_name, number);
        }
      }
    }
    std::string order = request.param("order_by").value_or("");
    if (order == "version_number DESC") {
      std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    } else if (order == "version_number ASC" || order == "version_number") {
      std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
    } else {
      // Not by number: as text, so 10 sorts before 9.
      std::sort(rows.begin(), rows.end(),
                [](const auto& a, const auto& b) { return std::to_string(a.second) > std::to_string(b.second); });
    }
    std::size_t offset = static_cast<std::size_t>(parse_int(request.param("page_token").value_or("0")).value_or(0));
    std::size_t limit = static_cast<std::size_t>(parse_int(request.param("max_results").value_or("10000")).value_or(1));
    json out = json::object();
    json versions = json::array();
    for (std::size_t i = offset; i < rows.size() && i < offset + limit; ++i) {
      const auto& model = m_models.at(rows[i].first);
      versions.push_back(
          json::parse(version_json(rows[i].first, model, rows[i].second, model.versions.at(rows[i].second))));
    }
    if (!versions.empty()) {
      out["model_versions"] = versions;
    }
    if (offset + limit < rows.size()) {
      out["next_page_token"] = std::to_string(offset + limit);
    }
    return HttpResponse::json(200, out.dump());
  }
  if (endpoint == "registered-models/alias") {
    std::string alias = arg("alias");
    if (model_it == m_models.end()) {
      // PROTOCOL-NOTES: GET alias of a missing model is the missing-alias 400.
      return request.method == "GET"
                 ? error(400, "INVALID_PARAMETER_VALUE", "Registered model alias " + alias + " not found.")
                 : not_found_model(name);
    }
    auto& aliases = model_it->second.aliases;
    if (request.method == "GET") {
      if (!aliases.contains(alias)) {
        return error(400, "INVALID_PARAMETER_VALUE", "Registered model alias " + alias + " not found.");
      }
      int number = aliases.at(alias);
      return HttpResponse::json(
          200, "{\"model_version\":" +
                   version_json(name, model_it->second, number, model_it->second.versions.at(number)) + "}");
    }
    if (request.method == "POST") {
      if (reserved_alias(alias)) {
        return error(400, "INVALID_PARAMETER_VALUE", "'" + alias + "' alias name (case insensitive) is reserved.");
      }
      std::string version = arg("version");
      auto number = find_version(version);
      if (!number) {
        return not_found_version(name, version);
      }
      aliases[alias] = *number;
      return HttpResponse::json(200, "{}");
    }
    if (request.method == "DELETE") {
      aliases.erase(alias);
      return HttpResponse::json(200, "{}");
    }
  }
  if ((endpoint == "model-versions/set-tag" && request.method == "POST") ||
      (endpoint == "model-versions/delete-tag" && request.method == "DELETE")) {
    std::string version = arg("version");
    auto number = find_version(version);
    if (!number) {
      return not_found_version(name, version);
    }
    auto& tags = model_it->second.versions.at(*number).tags;
    if (request.method == "POST") {
      tags[arg("key")] = arg("value");
    } else {
      tags.erase(arg("key"));
    }
    return HttpResponse::json(200, "{}");
  }
  return html(404, "404 Not Found");
}

} // namespace credguard::test
