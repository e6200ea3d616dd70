#pragma once

#include <credguard/core/clock.hpp>
#include <credguard/core/config.hpp>
#include <credguard/core/secret.hpp>
#include <credguard/http/transport.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace credguard::incident {

// The cache layers a model version lives in.
enum class Layer { gateway, serving, vector, cdn };

std::string_view to_string(Layer layer);
// Parses gateway, serving, vector or cdn.
std::optional<Layer> parse_layer(std::string_view name);
// Every layer, in purge order.
const std::vector<Layer>& all_layers();

// One configured endpoint of a layer.
struct PurgeEndpoint {
  Layer layer = Layer::gateway;
  std::string kind; // gateway, torchserve, triton, vector, cdn
  std::string name;
  std::string url;                // template (gateway, vector) or base URL
  std::string method;             // gateway and vector
  std::string triton_model;       // triton: model name template
  std::vector<std::string> paths; // cdn: path templates
  std::optional<Secret> token;
};

// The purge.* configuration.
struct PurgeTargets {
  std::vector<PurgeEndpoint> endpoints;
  Millis timeout{10'000};
  std::size_t concurrency = 100;

  // The endpoints of these layers only.
  PurgeTargets only(const std::set<Layer>& layers) const;
  bool empty() const { return endpoints.empty(); }
};

// Reads the purge section. Throws Error(config) naming the key for an
// endpoint without a URL, a CDN endpoint without paths, a duplicate name.
PurgeTargets purge_targets(const Config& config);

// Replaces {model} and {version} with their percent-encoded values.
std::string expand(const std::string& text, const std::string& model, const std::string& version);

// The outcome of purging one thing (an endpoint; for a CDN, one path).
struct PurgeResult {
  std::string id;       // layer/name[path]: stable across runs, for resume
  std::string layer;    // gateway, serving, vector, cdn
  std::string kind;     // gateway, torchserve, triton, vector, cdn
  std::string endpoint; // its configured name
  std::string request;  // "DELETE http://ts:8081/models/m/7", URL redacted
  bool ok = false;      // purged, and verified where the layer allows it
  long status = 0;
  std::string detail; // what happened, or why it failed
  long long ms = 0;   // the purge request, retries included
  int attempts = 0;
  std::optional<bool> verified; // nullopt: the layer cannot be checked
  long long verify_ms = 0;
  std::string at; // RFC 3339, when the purge answered

  nlohmann::json to_json() const;
};

// Purges `model`@`version` from every endpoint whose result id is not in
// `skip` (done in an earlier run), all concurrently up to
// targets.concurrency, then verifies concurrently where the layer allows:
// TorchServe no longer describes the version, Triton's index has it not
// READY, the CDN path misses. Never throws for a failing endpoint: a
// failure is in its result.
std::vector<PurgeResult> purge(http::Transport& transport, const PurgeTargets& targets, const std::string& model,
                               const std::string& version, const Clock& clock, const std::set<std::string>& skip = {});

// What a read-only look at one cache finds.
struct CacheProbe {
  std::string id; // as PurgeResult::id
  std::string layer;
  std::string kind;
  std::string endpoint;
  std::string request;            // the read, URL redacted; empty when the layer has none
  bool observable = false;        // false: the layer has no read-back (gateway, vector)
  std::optional<bool> holds;      // the version is loaded or cached; nullopt: could not tell
  std::optional<long long> age_s; // a CDN hit: seconds since the copy was stored
  std::string detail;

  nlohmann::json to_json() const;
};

// Looks at every endpoint of `targets` without changing anything where the
// layer allows (the purge's own verification requests): TorchServe
// describes the version, Triton's index has it READY, the CDN path hits.
// A CDN read of a path that is not cached fetches it from the origin.
// Never throws for a failing endpoint.
std::vector<CacheProbe> probe(http::Transport& transport, const PurgeTargets& targets, const std::string& model,
                              const std::string& version);

// True when a CDN copy `age_s` old was stored before `purged_at` (so the
// purge did not remove it, or it was never purged), seen at `now`.
bool cached_before(long long age_s, SystemTime purged_at, SystemTime now);

} // namespace credguard::incident
