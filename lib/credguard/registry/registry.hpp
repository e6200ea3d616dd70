#pragma once

#include <credguard/registry/model_version.hpp>

#include <optional>
#include <string>
#include <vector>

namespace credguard::registry {

// One page of a version search.
struct SearchPage {
  std::vector<ModelVersion> versions;
  std::string next_page_token; // empty on the last page
};

// What a version search asks for.
struct SearchQuery {
  std::string filter;   // MLflow filter string, e.g. name='credit-score'
  std::string order_by; // e.g. "version_number DESC"; empty = server default
  int max_results = 100;
  std::string page_token;
};

// The model registry as the incident commands need it. Reads return
// nullopt for a model, version or alias that does not exist; writes to a
// model or version that does not exist throw Error(data). Every method
// throws Error(unavailable) when the registry cannot be reached or answers
// 5xx, Error(auth) on 401/403, Error(data) on any other refusal.
class ModelRegistry {
public:
  virtual ~ModelRegistry() = default;

  // Where the registry is, redacted, for messages.
  virtual std::string endpoint() const = 0;

  virtual std::optional<RegisteredModel> get_model(const std::string& name) = 0;
  virtual std::optional<ModelVersion> get_version(const std::string& name, const std::string& version) = 0;
  virtual SearchPage search_versions(const SearchQuery& query) = 0;
  // The version `alias` points at, or nullopt when the alias is not set.
  virtual std::optional<ModelVersion> get_alias(const std::string& name, const std::string& alias) = 0;
  // Points `alias` at `version`, replacing where it pointed before.
  virtual void set_alias(const std::string& name, const std::string& alias, const std::string& version) = 0;
  // Removes `alias`; removing an alias that is not set succeeds.
  virtual void delete_alias(const std::string& name, const std::string& alias) = 0;
  virtual void set_version_tag(const std::string& name, const std::string& version, const std::string& key,
                               const std::string& value) = 0;
  // Removes a tag; removing a tag that is not set succeeds.
  virtual void delete_version_tag(const std::string& name, const std::string& version, const std::string& key) = 0;

  // Every version matching `filter`, following next_page_token, in
  // `order_by` order.
  std::vector<ModelVersion> search_all(const std::string& filter, const std::string& order_by, int page_size = 200);
};

// The MLflow filter selecting every version of `name`: name='NAME', with
// quotes in the name escaped.
std::string name_filter(const std::string& name);

} // namespace credguard::registry
