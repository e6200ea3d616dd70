#pragma once

#include <credguard/core/config.hpp>
#include <credguard/core/env.hpp>
#include <credguard/core/redact.hpp>
#include <credguard/core/secret.hpp>
#include <credguard/http/transport.hpp>
#include <credguard/registry/registry.hpp>

#include <memory>
#include <optional>
#include <string>

namespace credguard::registry {

// How to reach an MLflow tracking server.
struct MlflowOptions {
  std::string url;             // base URL, e.g. https://mlflow.internal (no trailing /api)
  std::optional<Secret> token; // Bearer
  std::string username;        // Basic, with password
  std::optional<Secret> password;
  std::string url_origin; // where url came from, for messages
};

// Reads registry.url/token/username/password, falling back to
// MLFLOW_TRACKING_URI/TOKEN/USERNAME/PASSWORD for keys that are unset.
// Secrets from the environment are registered with `redactor`. Returns
// nullopt when no URL is configured. Throws Error(config) for an
// unresolvable secret reference or a URL that is not http(s).
std::optional<MlflowOptions> mlflow_options(const Config& config, const Env& env, Redactor& redactor);

// The MLflow Model Registry REST API 2.0 over an http::Transport.
class MlflowClient final : public ModelRegistry {
public:
  MlflowClient(MlflowOptions options, http::Transport& transport);

  std::string endpoint() const override;
  std::optional<RegisteredModel> get_model(const std::string& name) override;
  std::optional<ModelVersion> get_version(const std::string& name, const std::string& version) override;
  SearchPage search_versions(const SearchQuery& query) override;
  std::optional<ModelVersion> get_alias(const std::string& name, const std::string& alias) override;
  void set_alias(const std::string& name, const std::string& alias, const std::string& version) override;
  void delete_alias(const std::string& name, const std::string& alias) override;
  void set_version_tag(const std::string& name, const std::string& version, const std::string& key,
                       const std::string& value) override;
  void delete_version_tag(const std::string& name, const std::string& version, const std::string& key) override;

private:
  struct Answer;
  Answer call(const std::string& method, const std::string& path,
              const std::vector<std::pair<std::string, std::string>>& query, const std::string& body);

  MlflowOptions m_options;
  http::Transport& m_transport;
};

} // namespace credguard::registry
