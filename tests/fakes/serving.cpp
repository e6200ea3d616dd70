#include "fakes/serving.hpp"

#include <credguard/core/strings.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>

namespace credguard::test {

namespace {

using nlohmann::json;

HttpResponse faulted(const Fault& fault)
{
  HttpResponse response = HttpResponse::json(fault.status, json{{"error", "injected fault"}}.dump());
  response.delay = fault.delay;
  response.drop = fault.drop;
  return response;
}

// "/a/b/c" -> {"a","b","c"}
std::vector<std::string> segments(const std::string& path)
{
  std::vector<std::string> out;
  for (auto& part : split(path, '/')) {
    if (!part.empty()) {
      out.push_back(part);
    }
  }
  return out;
}

} // namespace

FakeTorchServe::FakeTorchServe()
  : m_server([this](const HttpRequest& request) { return handle(request); })
{}

void FakeTorchServe::add(const std::string& model, const std::string& version)
{
  std::lock_guard lock(m_mutex);
  m_models.emplace(model, version);
}

bool FakeTorchServe::has(const std::string& model, const std::string& version) const
{
  std::lock_guard lock(m_mutex);
  return m_models.contains({model, version});
}

void FakeTorchServe::set_fault(std::optional<Fault> fault)
{
  std::lock_guard lock(m_mutex);
  m_fault = fault;
}

void FakeTorchServe::set_load_fault(std::optional<Fault> fault)
{
  std::lock_guard lock(m_mutex);
  m_load_fault = fault;
}

bool FakeTorchServe::warm(const std::string& model, const std::string& version) const
{
  std::lock_guard lock(m_mutex);
  return m_warm.contains({model, version});
}

HttpResponse FakeTorchServe::handle(const HttpRequest& request)
{
  std::lock_guard lock(m_mutex);
  auto parts = segments(request.path);
  if (parts.empty() || parts[0] != "models") {
    return HttpResponse::json(404, json{{"code", 404},
                                        {"type", "ResourceNotFoundException"},
                                        {"message", "Requested resource is not found, please refer to API document."}}
                                       .dump());
  }
  if (request.method == "GET" && parts.size() == 1) {
    json models = json::array();
    for (const auto& [model, version] : m_models) {
      models.push_back({{"modelName", model}, {"modelUrl", model + ".mar"}});
    }
    return HttpResponse::json(200, json{{"models", models}}.dump());
  }
  if (request.method == "POST" && parts.size() == 1) {
    if (m_load_fault) {
      return faulted(*m_load_fault);
    }
    auto url = request.param("url").value_or("");
    auto name = request.param("model_name").value_or("");
    auto underscore = url.rfind('_');
    auto dot = url.rfind(".mar");
    if (name.empty() || underscore == std::string::npos || dot == std::string::npos || dot < underscore) {
      return HttpResponse::json(
          400, json{{"code", 400}, {"type", "BadRequestException"}, {"message", "Parameter url is required."}}.dump());
    }
    std::string version = url.substr(underscore + 1, dot - underscore - 1);
    m_models.emplace(name, version);
    m_warm.emplace(name, version);
    return HttpResponse::json(
        200,
        json{{"status", "Model \"" + name + "\" Version: " + version + " registered with 1 initial workers"}}.dump());
  }
  if (parts.size() != 3) {
    return HttpResponse::json(400,
                              json{{"code", 400}, {"type", "BadRequestException"}, {"message", "bad path"}}.dump());
  }
  const std::string& model = parts[1];
  const std::string& version = parts[2];
  bool model_known = std::any_of(m_models.begin(), m_models.end(), [&](const auto& m) { return m.first == model; });
  auto not_found = [&] {
    return model_known ? HttpResponse::json(
                             404, json{{"code", 404},
                                       {"type", "ModelVersionNotFoundException"},
                                       {"message", "Model version: " + version + " does not exist for model: " + model}}
                                      .dump())
                       : HttpResponse::json(404, json{{"code", 404},
                                                      {"type", "ModelNotFoundException"},
                                                      {"message", "Model not found: " + model}}
                                                     .dump());
  };
  if (request.method == "DELETE") {
    if (m_fault) {
      return faulted(*m_fault);
    }
    m_warm.erase({model, version});
    if (m_models.erase({model, version}) == 0) {
      return not_found();
    }
    return HttpResponse::json(200, json{{"status", "Model \"" + model + "\" unregistered"}}.dump());
  }
  if (request.method == "PUT") {
    if (m_load_fault) {
      return faulted(*m_load_fault);
    }
    if (!m_models.contains({model, version})) {
      return not_found();
    }
    m_warm.emplace(model, version);
    return HttpResponse::json(200, json{{"status", "Workers scaled to 1 for model: " + model}}.dump());
  }
  if (request.method == "GET") {
    if (!m_models.contains({model, version})) {
      return not_found();
    }
    json workers = json::array();
    if (m_warm.contains({model, version})) {
      workers.push_back({{"id", "9000"}, {"status", "READY"}});
    }
    return HttpResponse::json(200, json::array({{{"modelName", model},
                                                 {"modelVersion", version},
                                                 {"modelUrl", model + ".mar"},
                                                 {"minWorkers", 1},
                                                 {"maxWorkers", 1},
                                                 {"loadedAtStartup", false},
                                                 {"workers", workers}}})
                                       .dump());
  }
  return HttpResponse::json(405, json{{"code", 405},
                                      {"type", "MethodNotAllowedException"},
                                      {"message", "Requested method is not allowed, please refer to API document."}}
                                     .dump());
}

FakeTriton::FakeTriton()
  : m_server([this](const HttpRequest& request) { return handle(request); })
{}

void FakeTriton::load(const std::string& model, const std::string& version)
{
  std::lock_guard lock(m_mutex);
  m_models[model] = {version, true};
}

bool FakeTriton::ready(const std::string& model) const
{
  std::lock_guard lock(m_mutex);
  auto it = m_models.find(model);
  return it != m_models.end() && it->second.second;
}

void FakeTriton::set_fault(std::optional<Fault> fault)
{
  std::lock_guard lock(m_mutex);
  m_fault = fault;
}

void FakeTriton::set_load_fault(std::optional<Fault> fault)
{
  std::lock_guard lock(m_mutex);
  m_load_fault = fault;
}

HttpResponse FakeTriton::handle(const HttpRequest& request)
{
  std::lock_guard lock(m_mutex);
  auto parts = segments(request.path);
  if (request.method == "POST" && parts.size() == 5 && parts[0] == "v2" && parts[1] == "repository" &&
      parts[2] == "models" && parts[4] == "load") {
    if (m_load_fault) {
      HttpResponse failed = HttpResponse::json(
          m_load_fault->status,
          json{{"error", "failed to load '" + parts[3] + "', failed to poll from model repository"}}.dump());
      failed.delay = m_load_fault->delay;
      failed.drop = m_load_fault->drop;
      return failed;
    }
    m_models[parts[3]] = {"1", true};
    HttpResponse done;
    done.status = 200;
    return done;
  }
  if (request.method == "GET" && parts.size() == 4 && parts[0] == "v2" && parts[1] == "models" && parts[3] == "ready") {
    auto it = m_models.find(parts[2]);
    HttpResponse answer;
    answer.status = it != m_models.end() && it->second.second ? 200 : 400;
    return answer;
  }
  if (request.method == "POST" && parts == std::vector<std::string>{"v2", "repository", "index"}) {
    json index = json::array();
    for (const auto& [name, state] : m_models) {
      json entry{{"name", name}, {"version", state.first}, {"state", state.second ? "READY" : "UNAVAILABLE"}};
      if (!state.second) {
        entry["reason"] = "unloaded";
      }
      index.push_back(entry);
    }
    return HttpResponse::json(200, index.dump());
  }
  if (request.method == "POST" && parts.size() == 5 && parts[0] == "v2" && parts[1] == "repository" &&
      parts[2] == "models" && parts[4] == "unload") {
    if (m_fault) {
      return faulted(*m_fault);
    }
    if (!request.body.empty() && json::parse(request.body, nullptr, false).is_discarded()) {
      return HttpResponse::json(400, json{{"error", "failed to parse the request JSON buffer"}}.dump());
    }
    if (auto it = m_models.find(parts[3]); it != m_models.end()) {
      it->second.second = false;
    }
    HttpResponse done;
    done.status = 200;
    return done;
  }
  return HttpResponse::json(400, json{{"error", "Not Found"}}.dump());
}

FakeGateway::FakeGateway()
  : m_server([this](const HttpRequest& request) { return handle(request); })
{}

void FakeGateway::require_token(const std::string& token)
{
  std::lock_guard lock(m_mutex);
  m_token = token;
}

void FakeGateway::set_fault(std::optional<Fault> fault)
{
  std::lock_guard lock(m_mutex);
  m_fault = fault;
}

bool FakeGateway::denylisted(const std::string& model, const std::string& version) const
{
  std::lock_guard lock(m_mutex);
  return m_denylist.contains(model + "/" + version);
}

void FakeGateway::undeny(const std::string& model, const std::string& version)
{
  std::lock_guard lock(m_mutex);
  m_denylist.erase(model + "/" + version);
}

void FakeGateway::lose_denylist_answers(Fault fault, int count)
{
  std::lock_guard lock(m_mutex);
  m_lost_fault = fault;
  m_lost_count = count;
}

std::size_t FakeGateway::count(const std::string& method, const std::string& path_prefix) const
{
  auto requests = m_server.requests();
  return static_cast<std::size_t>(std::count_if(requests.begin(), requests.end(), [&](const HttpRequest& r) {
    return r.method == method && r.path.starts_with(path_prefix);
  }));
}

HttpResponse FakeGateway::handle(const HttpRequest& request)
{
  std::lock_guard lock(m_mutex);
  if (!m_token.empty() && request.header("Authorization") != "Bearer " + m_token) {
    return HttpResponse::json(401, json{{"error", "unauthorized"}}.dump());
  }
  auto parts = segments(request.path);
  if (parts.size() == 2 && parts[0] == "admin" && parts[1] == "purge") {
    if (m_fault) {
      return faulted(*m_fault);
    }
    if (!request.param("model") || !request.param("version")) {
      return HttpResponse::json(400, json{{"error", "model and version are required"}}.dump());
    }
    return HttpResponse::json(
        200, json{{"purged", 3}, {"model", *request.param("model")}, {"version", *request.param("version")}}.dump());
  }
  if (parts.size() == 4 && parts[0] == "admin" && parts[1] == "denylist") {
    std::string key = parts[2] + "/" + parts[3];
    if (request.method == "PUT") {
      m_denylist[key] = request.body;
      if (m_lost_count > 0 && m_lost_fault) {
        --m_lost_count;
        return faulted(*m_lost_fault);
      }
      return HttpResponse::json(200, request.body.empty() ? "{}" : request.body);
    }
    if (request.method == "GET") {
      return m_denylist.contains(key) ? HttpResponse::json(200, m_denylist[key])
                                      : HttpResponse::json(404, json{{"error", "not denylisted"}}.dump());
    }
    if (request.method == "DELETE") {
      m_denylist.erase(key);
      return HttpResponse::json(200, "{}");
    }
  }
  return HttpResponse::json(404, json{{"error", "no such endpoint"}}.dump());
}

} // namespace credguard::test
