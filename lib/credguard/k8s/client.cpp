#include <credguard/core/error.hpp>
#include <credguard/core/files.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/k8s/client.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace credguard::k8s {

namespace {

constexpr std::string_view k_json = "application/json";

nlohmann::json parse_body(const http::Request& request, const http::Response& response)
{
  try {
    return nlohmann::json::parse(response.body);
  } catch (const nlohmann::json::exception&) {
    throw Error(ErrorKind::data,
                fmt::format("kubernetes: {} {}: the answer is not JSON", request.method, redact_url(request.url)));
  }
}

} // namespace

std::string_view content_type(PatchType type)
{
  switch (type) {
  case PatchType::merge: return "application/merge-patch+json";
  case PatchType::strategic_merge: return "application/strategic-merge-patch+json";
  case PatchType::json_patch: return "application/json-patch+json";
  }
  return "application/merge-patch+json";
}

std::string resource_path(std::string_view api_version, std::string_view resource, std::string_view ns,
                          std::string_view name, std::string_view subresource)
{
  std::string path = api_version.find('/') == std::string_view::npos ? fmt::format("/api/{}", api_version)
                                                                     : fmt::format("/apis/{}", api_version);
  if (!ns.empty()) {
    path += "/namespaces/" + percent_encode(ns);
  }
  path += "/";
  path += resource;
  if (!name.empty()) {
    path += "/" + percent_encode(name);
    if (!subresource.empty()) {
      path += "/";
      path += subresource;
    }
  }
  return path;
}

Error api_error(const http::Request& request, const http::Response& response)
{
  std::string where = fmt::format("kubernetes: {} {}", request.method, redact_url(request.url));
  if (!response.transport_ok()) {
    std::string hint = response.error == http::TransportError::tls
                           ? "check the cluster's certificate-authority in the kubeconfig"
                           : "check that the API server is reachable from here";
    return Error(ErrorKind::unavailable, fmt::format("{}: {}", where, response.error_message), hint);
  }
  std::string reason;
  std::string message;
  try {
    auto body = nlohmann::json::parse(response.body);
    if (body.is_object() && body.value("kind", "") == "Status") {
      reason = body.value("reason", "");
      message = body.value("message", "");
    }
  } catch (const nlohmann::json::exception&) {
    message = std::string(trim(response.body.substr(0, 200)));
  }
  std::string text = fmt::format("{}: HTTP {}{}{}{}", where, response.status, reason.empty() ? "" : " ", reason,
                                 message.empty() ? "" : ": " + message);
  long code = response.status;
  if (code == 401) {
    return Error(ErrorKind::auth, text, "the credentials were refused: renew the token or check the kubeconfig user");
  }
  if (code == 403) {
    return Error(ErrorKind::auth, text, "the user lacks RBAC permission for this call (kubectl auth can-i)");
  }
  if (code == 404) {
    return Error(ErrorKind::data, message.empty() ? text + ": not found" : text);
  }
  if (code == 409) {
    return Error(ErrorKind::conflict, text);
  }
  if (code == 429 || code >= 500) {
    return Error(ErrorKind::unavailable, text);
  }
  return Error(ErrorKind::data, text);
}

Client::Client(ClusterAccess access, ClientOptions options, const Env& env, const Clock& clock, Log& log,
               Redactor& redactor)
  : m_access(std::move(access))
  , m_options(std::move(options))
  , m_env(env)
  , m_clock(clock)
  , m_log(log)
  , m_redactor(redactor)
{
  m_redactor.add(m_access.token.reveal());
  m_redactor.add(m_access.client_key_pem.reveal());
}

Client::~Client() = default;

std::string Client::default_namespace() const
{
  return m_access.default_namespace.empty() ? "default" : m_access.default_namespace;
}

Client::Credentials Client::credentials(bool refresh)
{
  std::lock_guard lock(m_mutex);
  Credentials credentials;
  credentials.cert_pem = m_access.client_cert_pem;
  credentials.key_pem = m_access.client_key_pem;
  credentials.bearer = m_access.token.reveal();
  if (!m_access.token_file.empty()) {
    try {
      credentials.bearer = std::string(trim(read_file(m_access.token_file)));
    } catch (const Error& e) {
      throw Error(ErrorKind::auth, fmt::format("kubernetes: token file: {}", e.what()));
    }
  }
  if (m_access.exec) {
    if (refresh || !m_exec_credential || !m_exec_credential->valid_at(m_clock.now())) {
      m_log.debug(fmt::format("kubernetes: running exec plugin {}", m_access.exec->command));
      m_exec_credential = run_exec_plugin(*m_access.exec, m_env, m_options.exec_timeout);
      m_redactor.add(m_exec_credential->token.reveal());
      m_redactor.add(m_exec_credential->client_key_pem.reveal());
    }
    if (!m_exec_credential->token.empty()) {
      credentials.bearer = m_exec_credential->token.reveal();
    }
    if (!m_exec_credential->client_cert_pem.empty()) {
      credentials.cert_pem = m_exec_credential->client_cert_pem;
      credentials.key_pem = m_exec_credential->client_key_pem;
    }
  }
  m_redactor.add(credentials.bearer);
  return credentials;
}

std::shared_ptr<http::Transport> Client::transport_for(const Credentials& credentials)
{
  std::lock_guard lock(m_mutex);
  if (!m_transport || m_transport_cert != credentials.cert_pem) {
    http::TransportOptions options = m_options.transport;
    options.ca_pem = m_access.ca_pem;
    options.insecure = options.insecure || m_access.insecure;
    options.client_cert_pem = credentials.cert_pem;
    options.client_key_pem = credentials.key_pem;
    m_transport = m_options.make_transport ? m_options.make_transport(std::move(options))
                                           : http::make_curl_transport(std::move(options), m_clock, m_log);
    m_transport_cert = credentials.cert_pem;
  }
  return m_transport;
}

http::Response Client::exchange(http::Request& request)
{
  request.url = m_access.server + request.url;
  bool has_accept = std::any_of(request.headers.begin(), request.headers.end(),
                                [](const http::Header& h) { return iequals(h.name, "Accept"); });
  if (!has_accept) {
    request.header("Accept", std::string(k_json));
  }
  const std::size_t base_headers = request.headers.size();
  for (int attempt = 0;; ++attempt) {
    // An exec credential that the server refuses is fetched again once:
    // it may have been revoked or expired early.
    Credentials creds = credentials(attempt > 0);
    request.headers.resize(base_headers);
    if (!creds.bearer.empty()) {
      request.header("Authorization", "Bearer " + creds.bearer);
    }
    http::Response response = transport_for(creds)->perform(request);
    if (response.status == 401 && m_access.exec && attempt == 0) {
      continue;
    }
    request.headers.resize(base_headers);
    return response;
  }
}

nlohmann::json Client::call(const std::string& method, const std::string& path, const std::string& body,
                            const std::string& body_type, std::optional<bool> idempotent)
{
  http::Request request;
  request.method = method;
  request.url = path;
  request.body = body;
  request.idempotent = idempotent;
  if (!body_type.empty()) {
    request.header("Content-Type", body_type);
  }
  auto response = exchange(request);
  if (!response.ok()) {
    throw api_error(request, response);
  }
  return parse_body(request, response);
}

nlohmann::json Client::get(const std::string& path)
{
  return call("GET", path);
}

nlohmann::json Client::list(const std::string& path, const ListOptions& options)
{
  nlohmann::json items = nlohmann::json::array();
  std::string next;
  bool paged = options.page_size > 0;
  for (;;) {
    std::vector<std::string> query;
    if (!options.label_selector.empty()) {
      query.push_back("labelSelector=" + percent_encode(options.label_selector));
    }
    if (!options.field_selector.empty()) {
      query.push_back("fieldSelector=" + percent_encode(options.field_selector));
    }
    if (paged) {
      query.push_back(fmt::format("limit={}", options.page_size));
    }
    if (!next.empty()) {
      query.push_back("continue=" + percent_encode(next));
    }
    http::Request request;
    request.url = query.empty() ? path : path + "?" + join(query, "&");
    auto response = exchange(request);
    // 410 Gone: the continue token expired; list everything in one go.
    if (response.status == 410 && !next.empty()) {
      m_log.debug(fmt::format("kubernetes: list {}: continue token expired, listing without pages", path));
      items = nlohmann::json::array();
      next.clear();
      paged = false;
      continue;
    }
    if (!response.ok()) {
      throw api_error(request, response);
    }
    nlohmann::json page = parse_body(request, response);
    if (!page.is_object() || !page.contains("items")) {
      throw Error(ErrorKind::data, fmt::format("kubernetes: GET {}{}: not a list (no items)", m_access.server, path));
    }
    if (page["items"].is_array()) {
      for (auto& item : page["items"]) {
        items.push_back(std::move(item));
      }
    }
    // metadata.continue, read whatever the page's shape (value() would throw type_error).
    const auto metadata = page.find("metadata");
    std::string token;
    if (metadata != page.end() && metadata->is_object() && metadata->contains("continue") &&
        (*metadata)["continue"].is_string()) {
      token = (*metadata)["continue"].get<std::string>();
    }
    if (token.empty() || !paged) {
      page["items"] = std::move(items);
      if (page.contains("metadata") && page["metadata"].is_object()) {
        page["metadata"].erase("continue");
        page["metadata"].erase("remainingItemCount");
      }
      return page;
    }
    if (token == next) {
      throw Error(ErrorKind::data, fmt::format("kubernetes: list {}: the server repeated its continue token", path));
    }
    next = token;
  }
}

nlohmann::json Client::create(const std::string& path, const nlohmann::json& object)
{
  return call("POST", path, object.dump(), std::string(k_json), false);
}

nlohmann::json Client::patch(const std::string& path, const nlohmann::json& patch, PatchType type)
{
  return call("PATCH", path, patch.dump(), std::string(content_type(type)), type != PatchType::json_patch);
}

nlohmann::json Client::update(const std::string& path, const std::function<bool(nlohmann::json&)>& mutate,
                              int max_attempts)
{
  for (int attempt = 1;; ++attempt) {
    nlohmann::json object = get(path);
    if (!mutate(object)) {
      return object;
    }
    try {
      // The resourceVersion read above stays in metadata: the server
      // answers 409 if someone else wrote in between.
      return call("PUT", path, object.dump(), std::string(k_json), true);
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::conflict || attempt >= max_attempts) {
        throw;
      }
      m_log.debug(fmt::format("kubernetes: {} changed while updating it; retrying on fresh state", path));
    }
  }
}

} // namespace credguard::k8s
