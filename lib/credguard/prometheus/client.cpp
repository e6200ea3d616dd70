#include <credguard/core/error.hpp>
#include <credguard/core/redact.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/http/transport.hpp>
#include <credguard/prometheus/client.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdlib>

namespace credguard::prometheus {

namespace {

double parse_value(const nlohmann::json& pair)
{
  if (!pair.is_array() || pair.size() != 2 || !pair[0].is_number() || !pair[1].is_string()) {
    throw Error(ErrorKind::data, "expected a [timestamp, \"value\"] pair");
  }
  // Prometheus writes values as text: "1.5", "NaN", "+Inf", "-Inf".
  const auto& text = pair[1].get_ref<const std::string&>();
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size()) {
    throw Error(ErrorKind::data, fmt::format("\"{}\" is not a number", text));
  }
  return value;
}

std::string shorten(std::string_view text, std::size_t limit = 300)
{
  std::string out(trim(text));
  if (out.size() > limit) {
    out = out.substr(0, limit) + "...";
  }
  return out;
}

class HttpClient final : public Client {
public:
  HttpClient(http::Transport& transport, ClientOptions options)
    : m_transport(transport)
    , m_options(std::move(options))
  {
    while (!m_options.url.empty() && m_options.url.back() == '/') {
      m_options.url.pop_back();
    }
  }

  std::string endpoint() const override { return redact_url(m_options.url); }

  QueryResult query(std::string_view promql, std::optional<Millis> timeout) override
  {
    http::Request request;
    request.url = m_options.url + "/api/v1/query?query=" + percent_encode(promql);
    if (timeout) {
      request.url += fmt::format("&timeout={}ms", std::max<long long>(timeout->count(), 1));
      request.timeout = *timeout;
    }
    request.header("Accept", "application/json");
    if (m_options.token) {
      request.header("Authorization", "Bearer " + m_options.token->reveal());
    }
    auto response = m_transport.perform(request);
    auto where = fmt::format("Prometheus {}: query '{}'", endpoint(), promql);
    if (!response.transport_ok()) {
      throw Error(ErrorKind::unavailable,
                  fmt::format("{}: {}: {}", where, http::to_string(response.error), response.error_message),
                  "is prometheus.url reachable from here?");
    }
    if (response.status == 200) {
      try {
        return parse_query_response(response.body);
      } catch (const Error& e) {
        throw Error(ErrorKind::data, fmt::format("{}: {}", where, e.what()));
      }
    }
    // The API's error document: {"status":"error","errorType":"...","error":"..."}.
    std::string type;
    std::string message = shorten(response.body);
    auto body = nlohmann::json::parse(response.body, nullptr, false);
    if (body.is_object() && body.value("status", "") == "error") {
      type = body.value("errorType", "");
      message = body.value("error", message);
    }
    auto described = fmt::format("{}: HTTP {}{}{}", where, response.status, type.empty() ? "" : ": " + type,
                                 message.empty() ? "" : ": " + message);
    if (response.status == 401 || response.status == 403) {
      throw Error(ErrorKind::auth, described, "check prometheus.token");
    }
    if (response.status == 404) {
      throw Error(ErrorKind::config, described, "prometheus.url must be the server's base URL");
    }
    if (response.status == 400 || response.status == 422) {
      throw Error(ErrorKind::data, described, "fix the query in the runbook");
    }
    throw Error(ErrorKind::unavailable, described);
  }

private:
  http::Transport& m_transport;
  ClientOptions m_options;
};

} // namespace

ClientOptions options_from_config(const Config& config)
{
  ClientOptions options;
  options.url = config.get_string("prometheus.url").value_or("");
  if (!options.url.starts_with("http://") && !options.url.starts_with("https://")) {
    throw Error(ErrorKind::config, fmt::format("{}: prometheus.url: expected an http:// or https:// URL, got \"{}\"",
                                               config.origin("prometheus.url"), redact_url(options.url)));
  }
  options.token = config.get_secret("prometheus.token");
  return options;
}

std::unique_ptr<Client> make_client(http::Transport& transport, ClientOptions options)
{
  return std::make_unique<HttpClient>(transport, std::move(options));
}

QueryResult parse_query_response(std::string_view body)
{
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (!json.is_object() || json.value("status", "") != "success" || !json.contains("data") ||
      !json["data"].is_object()) {
    throw Error(ErrorKind::data, fmt::format("not a Prometheus API answer: {}", shorten(body, 200)));
  }
  const auto& data = json["data"];
  QueryResult result;
  result.type = data.value("resultType", "");
  if (json.contains("warnings") && json["warnings"].is_array()) {
    for (const auto& warning : json["warnings"]) {
      result.warnings.push_back(warning.is_string() ? warning.get<std::string>() : warning.dump());
    }
  }
  const auto& items = data.contains("result") ? data["result"] : nlohmann::json();
  if (result.type == "scalar") {
    result.samples.push_back(Sample{{}, parse_value(items), items[0].get<double>()});
    return result;
  }
  if (result.type != "vector") {
    throw Error(ErrorKind::data, fmt::format("the query returns a {}; a check needs an instant vector or a scalar",
                                             result.type.empty() ? "result of unknown type" : result.type));
  }
  if (!items.is_array()) {
    throw Error(ErrorKind::data, "a vector result without a list of samples");
  }
  for (const auto& item : items) {
    Sample sample;
    if (item.contains("metric") && item["metric"].is_object()) {
      for (const auto& [name, value] : item["metric"].items()) {
        sample.labels[name] = value.is_string() ? value.get<std::string>() : value.dump();
      }
    }
    const auto& pair = item.contains("value") ? item["value"] : nlohmann::json();
    sample.value = parse_value(pair);
    sample.timestamp = pair[0].get<double>();
    result.samples.push_back(std::move(sample));
  }
  return result;
}

std::string format_labels(const Labels& labels)
{
  std::vector<std::string> parts;
  for (const auto& [name, value] : labels) {
    parts.push_back(fmt::format("{}=\"{}\"", name, value));
  }
  return "{" + join(parts, ", ") + "}";
}

} // namespace credguard::prometheus
