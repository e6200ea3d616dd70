#pragma once

#include <credguard/core/clock.hpp>
#include <credguard/core/config.hpp>
#include <credguard/core/secret.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace credguard::http {
class Transport;
}

namespace credguard::prometheus {

using Labels = std::map<std::string, std::string>;

// One value of a query result: a series' labels (empty for a scalar) and
// its value, which may be NaN or infinite.
struct Sample {
  Labels labels;
  double value = 0;
  double timestamp = 0; // Unix seconds
};

// The answer to an instant query.
struct QueryResult {
  std::string type;            // "vector" or "scalar"
  std::vector<Sample> samples; // a scalar has exactly one; an empty vector is "no data"
  std::vector<std::string> warnings;
};

// A Prometheus server, as the checks see it.
class Client {
public:
  virtual ~Client() = default;
  // Evaluates `promql` now (GET /api/v1/query). `timeout` bounds the
  // request and the server's evaluation. Throws Error: data (the server
  // rejected the query: bad_data, execution; or it returned a range
  // vector or string), auth (401/403), config (404: not a Prometheus base
  // URL), unavailable (unreachable, timed out, 5xx, not the Prometheus
  // API). Messages name the server and the query, never the token.
  virtual QueryResult query(std::string_view promql, std::optional<Millis> timeout = std::nullopt) = 0;
  // The server's base URL, for messages.
  virtual std::string endpoint() const = 0;
};

struct ClientOptions {
  std::string url; // base URL: http://prometheus:9090, or with a path prefix
  std::optional<Secret> token;
};

// The options from prometheus.url and prometheus.token. Throws
// Error(config) when the URL is not http(s) or the token cannot be resolved.
ClientOptions options_from_config(const Config& config);

// A client over `transport`, which must outlive it.
std::unique_ptr<Client> make_client(http::Transport& transport, ClientOptions options);

// Parses the body of a successful /api/v1/query answer. Throws Error(data)
// when it is not the Prometheus API's JSON, and for matrix and string
// results (a check needs an instant vector or a scalar).
QueryResult parse_query_response(std::string_view body);

// {a="1", b="x"}, or {} for no labels.
std::string format_labels(const Labels& labels);

} // namespace credguard::prometheus
