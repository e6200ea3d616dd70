#pragma once

#include <credguard/core/clock.hpp>
#include <credguard/core/config.hpp>
#include <credguard/core/secret.hpp>
#include <credguard/http/transport.hpp>
#include <credguard/incident/cluster.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace credguard::incident {

// The serving.* configuration.
struct ServingOptions {
  std::string denylist_url; // template; PUT adds the entry, GET answers 200 when present
  std::optional<Secret> denylist_token;
  std::string denylist_configmap;
  std::string deployment;
  std::string cronjob_selector = "credguard.io/model={model}";

  bool has_denylist() const { return !denylist_url.empty() || !denylist_configmap.empty(); }
};

// Reads the serving section. Throws Error(config) for a denylist URL that
// is not http(s) or an unresolvable token.
ServingOptions serving_options(const Config& config);

// What is being blocked, and why.
struct DenylistEntry {
  std::string model;
  std::string version;
  std::string incident;
  std::string reason;
  SystemTime since{};

  // The ConfigMap data key: <model>.<version>.
  std::string key() const;
  // The JSON value stored in the ConfigMap and sent to the gateway.
  nlohmann::json to_json() const;
};

// One denylist that was written (or found to hold the entry already).
struct DenylistResult {
  std::string where; // "gateway PUT https://gw/admin/denylist/m/7" or "configmap ns/name"
  bool ok = false;
  bool already = false; // the entry was there before: nothing changed
  long status = 0;
  std::string detail;
  long long ms = 0;

  nlohmann::json to_json() const;
};

// Adds `entry` to every configured denylist: the gateway endpoint (GET,
// then PUT when absent, then GET to confirm) and the ConfigMap (when
// `cluster` is given). Never throws for a failing denylist: it is in its
// result.
std::vector<DenylistResult> add_to_denylists(http::Transport& transport, const ServingOptions& options,
                                             ServingCluster* cluster, const DenylistEntry& entry, const Clock& clock);

// Removes model@version from every configured denylist: the gateway
// endpoint (DELETE, then GET must answer 404) and the ConfigMap key. A
// denylist that did not hold it counts as done (`already`). Never throws.
std::vector<DenylistResult> remove_from_denylists(http::Transport& transport, const ServingOptions& options,
                                                  ServingCluster* cluster, const std::string& model,
                                                  const std::string& version, const Clock& clock);

} // namespace credguard::incident
