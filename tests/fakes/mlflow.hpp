#pragma once

#include "support/http_server.hpp"

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace credguard::test {

// An MLflow tracking server's Model Registry REST API 2.0, as MLflow 2.9
// answers (shared/PROTOCOL-NOTES.md): errors as {"error_code","message"};
// a missing model or version is 404 RESOURCE_DOES_NOT_EXIST, a missing
// alias 400 INVALID_PARAMETER_VALUE; a search with no match is {}; deleting
// a missing alias or tag is 200 {}; DELETE takes a JSON body; POST needs
// Content-Type: application/json; `latest` and `v<N>` are reserved aliases;
// an unencoded '=' or quote in a query value is a 500 HTML page; the
// default search order is not by version number. Not every error is JSON:
// under the basic-auth app 401 and 403 are plain text, an unknown endpoint
// (404) and a wrong method (405) are HTML pages; GET alias of a missing
// model is 400, not 404; DELETE with query parameters only is 400.
class FakeMlflow {
public:
  FakeMlflow();

  std::string url() const { return m_server.url(); }
  HttpServer& server() { return m_server; }

  // Registers `version` of `model` (creating the model) with these tags.
  void add_version(const std::string& model, int version, std::map<std::string, std::string> tags = {});
  void set_alias(const std::string& model, const std::string& alias, int version);
  // Sets the version's artifact `source` (default models:/NAME/N).
  void set_source(const std::string& model, int version, const std::string& source);
  std::optional<std::string> alias(const std::string& model, const std::string& alias) const;
  std::map<std::string, std::string> tags(const std::string& model, int version) const;
  // Requests must carry "Authorization: Bearer <token>" (401 otherwise).
  void require_token(const std::string& token);
  // Every request is answered 503 while set (a registry that is down).
  void set_unavailable(bool unavailable);
  // Writes (POST, DELETE) are answered 403 "Permission denied" (plain
  // text, as MLflow's basic-auth app does) while set.
  void set_read_only(bool read_only);
  // How an answer is lost.
  enum class Lost { bad_gateway, dropped };
  // The next `count` requests to `method` `endpoint` are applied, and then
  // their answer is lost: a 502 from a proxy, or the connection dropped.
  void lose_answers(const std::string& method, const std::string& endpoint, Lost how, int count = 1);
  // Requests whose method and path (after /api/2.0/mlflow/) match.
  std::size_t count(const std::string& method, const std::string& endpoint) const;

private:
  struct Version {
    std::map<std::string, std::string> tags;
    long long created = 0;
    std::string source;
  };
  struct Model {
    std::map<int, Version> versions;
    std::map<std::string, int> aliases;
  };

  HttpResponse handle(const HttpRequest& request);
  HttpResponse route(const HttpRequest& request);
  std::string version_json(const std::string& name, const Model& model, int number, const Version& version) const;

  mutable std::mutex m_mutex;
  std::map<std::string, Model> m_models;
  std::string m_token;
  bool m_unavailable = false;
  bool m_read_only = false;
  struct LostAnswers {
    std::string method;
    std::string endpoint;
    Lost how = Lost::bad_gateway;
    int count = 0;
  };
  LostAnswers m_lost;
  long long m_clock = 1'700'000'000'000;
  HttpServer m_server;
};

} // namespace credguard::test
