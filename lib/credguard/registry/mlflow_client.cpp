#include <credguard/core/error.hpp>
#include <credguard/core/redact.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/registry/mlflow_client.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace credguard::registry {

namespace {

using nlohmann::json;

constexpr std::string_view k_api = "/api/2.0/mlflow/";

std::string base64(std::string_view data)
{
  static constexpr char k_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    auto n = (static_cast<unsigned>(static_cast<unsigned char>(data[i])) << 16) |
             (static_cast<unsigned>(static_cast<unsigned char>(data[i + 1])) << 8) |
             static_cast<unsigned>(static_cast<unsigned char>(data[i + 2]));
    out += k_alphabet[(n >> 18) & 63];
    out += k_alphabet[(n >> 12) & 63];
    out += k_alphabet[(n >> 6) & 63];
    out += k_alphabet[n & 63];
  }
  if (std::size_t rest = data.size() - i; rest > 0) {
    unsigned n = static_cast<unsigned>(static_cast<unsigned char>(data[i])) << 16;
    if (rest == 2) {
      n |= static_cast<unsigned>(static_cast<unsigned char>(data[i + 1])) << 8;
    }
    out += k_alphabet[(n >> 18) & 63];
    out += k_alphabet[(n >> 12) & 63];
    out += rest == 2 ? k_alphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string text_of(const json& value)
{
  if (value.is_string()) {
    return value.get<std::string>();
  }
  if (value.is_number_integer()) {
    return std::to_string(value.get<long long>());
  }
  return {};
}

// Answers are read field by field whatever their shape: a field of another
// type, or a member of something that is not an object, reads as absent
// (json::value() would throw type_error: an exit 70 on a proxy's odd page).
const json& member(const json& object, const char* key)
{
  static const json k_absent;
  if (!object.is_object()) {
    return k_absent;
  }
  auto it = object.find(key);
  return it == object.end() ? k_absent : *it;
}

const json& list_member(const json& object, const char* key)
{
  static const json k_empty = json::array();
  const auto& value = member(object, key);
  return value.is_array() ? value : k_empty;
}

std::int64_t int_of(const json& object, const char* key)
{
  if (!object.is_object()) {
    return 0;
  }
  auto it = object.find(key);
  if (it == object.end()) {
    return 0;
  }
  if (it->is_number_integer()) {
    return it->get<std::int64_t>();
  }
  // proto3 JSON may render int64 as a string.
  return it->is_string() ? parse_int(it->get<std::string>()).value_or(0) : 0;
}

ModelVersion parse_version(const json& object)
{
  ModelVersion version;
  version.name = text_of(member(object, "name"));
  version.version = text_of(member(object, "version"));
  version.status = text_of(member(object, "status"));
  version.current_stage = text_of(member(object, "current_stage"));
  version.source = text_of(member(object, "source"));
  version.run_id = text_of(member(object, "run_id"));
  version.creation_timestamp = int_of(object, "creation_timestamp");
  version.last_updated_timestamp = int_of(object, "last_updated_timestamp");
  for (const auto& alias : list_member(object, "aliases")) {
    version.aliases.push_back(text_of(alias));
  }
  for (const auto& tag : list_member(object, "tags")) {
    version.tags[text_of(member(tag, "key"))] = text_of(member(tag, "value"));
  }
  return version;
}

} // namespace

struct MlflowClient::Answer {
  http::Request request;
  http::Response response;
  json body;              // parsed JSON, or null
  std::string error_code; // MLflow's error_code, when the body has one
  std::string message;

  bool ok() const { return response.ok(); }
  bool is(long status, std::string_view code) const { return response.status == status && error_code == code; }

  // Throws the Error that a refusal maps to.
  [[noreturn]] void raise() const
  {
    std::string where = fmt::format("registry {} {}", request.method, redact_url(request.url));
    if (!response.transport_ok()) {
      throw Error(ErrorKind::unavailable, fmt::format("{}: {}", where, response.error_message),
                  "check registry.url (or MLFLOW_TRACKING_URI) and that the MLflow server is up");
    }
    std::string detail = error_code.empty()
                             ? "registry " + http::describe_failure(request, response)
                             : fmt::format("{}: HTTP {} {}: {}", where, response.status, error_code, message);
    if (response.status == 401 || response.status == 403) {
      throw Error(ErrorKind::auth, detail, "check registry.token or registry.username/password");
    }
    if (response.status >= 500 || (response.ok() && body.is_null())) {
      throw Error(ErrorKind::unavailable, response.ok() ? where + ": the answer is not JSON" : detail);
    }
    throw Error(ErrorKind::data, detail);
  }
};

std::optional<MlflowOptions> mlflow_options(const Config& config, const Env& env, Redactor& redactor)
{
  MlflowOptions options;
  if (auto url = config.get_string("registry.url"); url && !url->empty()) {
    options.url = *url;
    options.url_origin = config.origin("registry.url");
  } else if (auto from_env = env.get("MLFLOW_TRACKING_URI"); from_env && !from_env->empty()) {
    options.url = *from_env;
    options.url_origin = "$MLFLOW_TRACKING_URI";
  } else {
    return std::nullopt;
  }
  if (!options.url.starts_with("http://") && !options.url.starts_with("https://")) {
    throw Error(
        ErrorKind::config,
        fmt::format("{}: registry.url: \"{}\" is not an http(s) URL", options.url_origin, redact_url(options.url)),
        "credguard talks to the MLflow REST API of a tracking server");
  }
  while (options.url.ends_with('/')) {
    options.url.pop_back();
  }
  auto from_env_secret = [&](const char* name) -> std::optional<Secret> {
    auto value = env.get(name);
    if (!value || value->empty()) {
      return std::nullopt;
    }
    redactor.add(*value);
    return Secret(*value);
  };
  options.token = config.get_secret("registry.token");
  if (!options.token) {
    options.token = from_env_secret("MLFLOW_TRACKING_TOKEN");
  }
  options.username = config.get_string("registry.username").value_or(env.get("MLFLOW_TRACKING_USERNAME").value_or(""));
  options.password = config.get_secret("registry.password");
  if (!options.password) {
    options.password = from_env_secret("MLFLOW_TRACKING_PASSWORD");
  }
  return options;
}

MlflowClient::MlflowClient(MlflowOptions options, http::Transport& transport)
  : m_options(std::move(options))
  , m_transport(transport)
{}

std::string MlflowClient::endpoint() const
{
  return redact_url(m_options.url);
}

MlflowClient::Answer MlflowClient::call(const std::string& method, const std::string& path,
                                        const std::vector<std::pair<std::string, std::string>>& query,
                                        const std::string& body)
{
  Answer answer;
  http::Request& request = answer.request;
  request.method = method;
  request.url = m_options.url + std::string(k_api) + path;
  std::string separator = "?";
  for (const auto& [key, value] : query) {
    // Fully encoded: an unencoded '=' inside a filter breaks MLflow's parser.
    request.url += separator + percent_encode(key) + "=" + percent_encode(value);
    separator = "&";
  }
  request.header("Accept", "application/json");
  if (!body.empty()) {
    request.body = body;
    request.header("Content-Type", "application/json");
  }
  if (m_options.token && !m_options.token->empty()) {
    request.header("Authorization", "Bearer " + m_options.token->reveal());
  } else if (!m_options.username.empty()) {
    std::string password = m_options.password ? m_options.password->reveal() : "";
    request.header("Authorization", "Basic " + base64(m_options.username + ":" + password));
  }
  // Every registry call credguard makes can be repeated safely: reads, and
  // writes that set a value (tags, aliases) or delete one.
  request.idempotent = true;
  answer.response = m_transport.perform(request);
  if (answer.response.transport_ok()) {
    answer.body = json::parse(answer.response.body, nullptr, false);
    if (answer.body.is_discarded()) {
      answer.body = json();
    } else if (answer.body.is_object()) {
      answer.error_code = text_of(member(answer.body, "error_code"));
      answer.message = text_of(member(answer.body, "message"));
    }
  }
  return answer;
}

std::optional<RegisteredModel> MlflowClient::get_model(const std::string& name)
{
  auto answer = call("GET", "registered-models/get", {{"name", name}}, "");
  if (answer.is(404, "RESOURCE_DOES_NOT_EXIST")) {
    return std::nullopt;
  }
  if (!answer.ok() || !answer.body.is_object()) {
    answer.raise();
  }
  const json& object = member(answer.body, "registered_model");
  RegisteredModel model;
  model.name = text_of(member(object, "name"));
  model.description = text_of(member(object, "description"));
  for (const auto& alias : list_member(object, "aliases")) {
    model.aliases[text_of(member(alias, "alias"))] = text_of(member(alias, "version"));
  }
  for (const auto& tag : list_member(object, "tags")) {
    model.tags[text_of(member(tag, "key"))] = text_of(member(tag, "value"));
  }
  return model;
}

std::optional<ModelVersion> MlflowClient::get_version(const std::string& name, const std::string& version)
{
  auto answer = call("GET", "model-versions/get", {{"name", name}, {"version", version}}, "");
  if (answer.is(404, "RESOURCE_DOES_NOT_EXIST")) {
    return std::nullopt;
  }
  if (!answer.ok() || !answer.body.is_object()) {
    answer.raise();
  }
  return parse_version(member(answer.body, "model_version"));
}

SearchPage MlflowClient::search_versions(const SearchQuery& query)
{
  std::vector<std::pair<std::string, std::string>> params;
  if (!query.filter.empty()) {
    params.emplace_back("filter", query.filter);
  }
  params.emplace_back("max_results", std::to_string(query.max_results));
  if (!query.order_by.empty()) {
    params.emplace_back("order_by", query.order_by);
  }
  if (!query.page_token.empty()) {
    params.emplace_back("page_token", query.page_token);
  }
  auto answer = call("GET", "model-versions/search", params, "");
  if (!answer.ok() || !answer.body.is_object()) {
    answer.raise();
  }
  SearchPage page;
  // No match is `{}`: no model_versions key at all.
  for (const auto& object : list_member(answer.body, "model_versions")) {
    page.versions.push_back(parse_version(object));
  }
  page.next_page_token = text_of(member(answer.body, "next_page_token"));
  return page;
}

std::optional<ModelVersion> MlflowClient::get_alias(const std::string& name, const std::string& alias)
{
  auto answer = call("GET", "registered-models/alias", {{"name", name}, {"alias", alias}}, "");
  // A missing alias is 400 INVALID_PARAMETER_VALUE, not 404; a missing model is 404.
  if (answer.is(400, "INVALID_PARAMETER_VALUE") && answer.message.find("not found") != std::string::npos) {
    return std::nullopt;
  }
  if (answer.is(404, "RESOURCE_DOES_NOT_EXIST")) {
    return std::nullopt;
  }
  if (!answer.ok() || !answer.body.is_object()) {
    answer.raise();
  }
  return parse_version(member(answer.body, "model_version"));
}

void MlflowClient::set_alias(const std::string& name, const std::string& alias, const std::string& version)
{
  auto answer =
      call("POST", "registered-models/alias", {}, json{{"name", name}, {"alias", alias}, {"version", version}}.dump());
  if (!answer.ok()) {
    answer.raise();
  }
}

void MlflowClient::delete_alias(const std::string& name, const std::string& alias)
{
  // The name and alias go in a JSON body: MLflow ignores query parameters here.
  auto answer = call("DELETE", "registered-models/alias", {}, json{{"name", name}, {"alias", alias}}.dump());
  if (!answer.ok()) {
    answer.raise();
  }
}

void MlflowClient::set_version_tag(const std::string& name, const std::string& version, const std::string& key,
                                   const std::string& value)
{
  auto answer = call("POST", "model-versions/set-tag", {},
                     json{{"name", name}, {"version", version}, {"key", key}, {"value", value}}.dump());
  if (!answer.ok()) {
    answer.raise();
  }
}

void MlflowClient::delete_version_tag(const std::string& name, const std::string& version, const std::string& key)
{
  auto answer =
      call("DELETE", "model-versions/delete-tag", {}, json{{"name", name}, {"version", version}, {"key", key}}.dump());
  if (!answer.ok()) {
    answer.raise();
  }
}

} // namespace credguard::registry
