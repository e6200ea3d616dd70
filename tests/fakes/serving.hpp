#pragma once

#include "support/http_server.hpp"

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>

namespace credguard::test {

// A fault to inject: every matching request gets this answer instead.
struct Fault {
  int status = 500;
  std::chrono::milliseconds delay{0};
  bool drop = false;
};

// TorchServe's management API (port 8081): DELETE /models/{m}/{v} answers
// 200 {"status":"Model \"m\" unregistered"}, or 404 {"code","type":
// "ModelNotFoundException"|"ModelVersionNotFoundException","message"};
// GET /models lists {"models":[{modelName, modelUrl}]}; GET
// /models/{m}/{v} describes the version (with its workers) or answers 404;
// POST /models?url=M_V.mar&model_name=M&initial_workers=N registers a
// version with ready workers; PUT /models/{m}/{v}?min_worker=N scales it
// (404 when not registered).
class FakeTorchServe {
public:
  FakeTorchServe();
  std::string url() const { return m_server.url(); }
  HttpServer& server() { return m_server; }
  void add(const std::string& model, const std::string& version);
  bool has(const std::string& model, const std::string& version) const;
  // DELETE requests get `fault` while set.
  void set_fault(std::optional<Fault> fault);
  // Register and scale requests get `fault` while set.
  void set_load_fault(std::optional<Fault> fault);
  // Whether the version has ready workers.
  bool warm(const std::string& model, const std::string& version) const;

private:
  HttpResponse handle(const HttpRequest& request);
  mutable std::mutex m_mutex;
  std::set<std::pair<std::string, std::string>> m_models;
  std::set<std::pair<std::string, std::string>> m_warm;
  std::optional<Fault> m_fault;
  std::optional<Fault> m_load_fault;
  HttpServer m_server;
};

// Triton's model repository extension: POST
// /v2/repository/models/{m}/unload answers 200 with an empty body (also
// for a model that is not loaded); POST /v2/repository/index answers
// [{name, version, state, reason}]; POST /v2/repository/models/{m}/load
// loads it (200, empty body); GET /v2/models/{m}/ready answers 200 when
// ready, 400 otherwise; errors are {"error": "..."}.
class FakeTriton {
public:
  FakeTriton();
  std::string url() const { return m_server.url(); }
  HttpServer& server() { return m_server; }
  void load(const std::string& model, const std::string& version);
  bool ready(const std::string& model) const;
  // Unload requests get `fault` while set.
  void set_fault(std::optional<Fault> fault);
  // Load requests get `fault` while set.
  void set_load_fault(std::optional<Fault> fault);

private:
  HttpResponse handle(const HttpRequest& request);
  mutable std::mutex m_mutex;
  std::map<std::string, std::pair<std::string, bool>> m_models; // name -> (version, ready)
  std::optional<Fault> m_fault;
  std::optional<Fault> m_load_fault;
  HttpServer m_server;
};

// The inference gateway's admin API: GET /admin/purge?model=&version=
// answers {"purged": n}; /admin/denylist/{m}/{v}: PUT adds (200), GET
// answers 200 with the entry or 404, DELETE removes. Requests must carry
// the bearer token when one is required (401 otherwise).
class FakeGateway {
public:
  FakeGateway();
  std::string url() const { return m_server.url(); }
  HttpServer& server() { return m_server; }
  void require_token(const std::string& token);
  // Purge requests get `fault` while set.
  void set_fault(std::optional<Fault> fault);
  bool denylisted(const std::string& model, const std::string& version) const;
  // A third party removes the entry.
  void undeny(const std::string& model, const std::string& version);
  // The next `count` denylist PUTs are applied and answered with `fault`
  // (a 502 or a dropped connection: the answer is lost, not the write).
  void lose_denylist_answers(Fault fault, int count = 1);
  std::size_t count(const std::string& method, const std::string& path_prefix) const;

private:
  HttpResponse handle(const HttpRequest& request);
  mutable std::mutex m_mutex;
  std::map<std::string, std::string> m_denylist; // "m/v" -> entry JSON
  std::optional<Fault> m_lost_fault;
  int m_lost_count = 0;
  std::string m_token;
  std::optional<Fault> m_fault;
  HttpServer m_server;
};

} // namespace credguard::test
