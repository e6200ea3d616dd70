#include <credguard/core/error.hpp>
#include <credguard/core/redact.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/core/time_format.hpp>
#include <credguard/incident/denylist.hpp>
#include <credguard/incident/purge.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace credguard::incident {

namespace {

using nlohmann::json;

std::string failure(const http::Response& response)
{
  if (!response.transport_ok()) {
    return response.error_message;
  }
  std::string body(trim(response.body.substr(0, std::min<std::size_t>(response.body.size(), 200))));
  return body.empty() ? fmt::format("HTTP {}", response.status) : fmt::format("HTTP {}: {}", response.status, body);
}

DenylistResult gateway(http::Transport& transport, const ServingOptions& options, const DenylistEntry& entry,
                       const Clock& clock)
{
  auto start = clock.steady_now();
  std::string url = expand(options.denylist_url, entry.model, entry.version);
  auto request = [&](const char* method) {
    http::Request r;
    r.method = method;
    r.url = url;
    r.idempotent = true;
    if (options.denylist_token) {
      r.header("Authorization", "Bearer " + options.denylist_token->reveal());
    }
    return r;
  };
  DenylistResult result;
  result.where = "gateway " + redact_url(url);
  auto check = transport.perform(request("GET"));
  if (check.ok()) {
    result.ok = result.already = true;
    result.status = check.status;
    result.detail = "already denylisted";
  } else if (check.transport_ok() && check.status == 404) {
    auto put = request("PUT");
    put.header("Content-Type", "application/json");
    put.body = entry.to_json().dump();
    auto answer = transport.perform(put);
    result.status = answer.status;
    bool lost = !answer.transport_ok() || answer.status >= 500;
    if (!answer.ok() && lost) {
      // A lost answer is not a failed write: read it back.
      auto confirm = transport.perform(request("GET"));
      result.ok = confirm.ok();
      result.status = confirm.status;
      result.detail = result.ok ? "denylisted; the PUT's answer was lost (" + failure(answer) + "), GET confirms"
                                : "PUT: " + failure(answer) + "; GET does not show it: " + failure(confirm);
    } else if (!answer.ok()) {
      result.detail = "PUT: " + failure(answer);
    } else {
      auto confirm = transport.perform(request("GET"));
      result.ok = confirm.ok();
      result.detail =
          result.ok ? "denylisted, confirmed" : "PUT accepted but GET does not show it: " + failure(confirm);
    }
  } else {
    result.status = check.status;
    result.detail = "GET: " + failure(check);
  }
  result.ms = elapsed_since(clock, start).count();
  return result;
}

// " since T (INC-1)" from an entry found in the ConfigMap, when it says so
// in plain text.
std::string first_entry(const std::string& value)
{
  json found = json::parse(value, nullptr, false);
  if (!found.is_object() || !found.contains("since") || !found["since"].is_string()) {
    return "";
  }
  std::string incident =
      found.contains("incident") && found["incident"].is_string() ? found["incident"].get<std::string>() : "";
  std::string text = " since " + found["since"].get<std::string>() + (incident.empty() ? "" : " (" + incident + ")");
  // Written by anyone with access to the ConfigMap: no control characters
  // reach a terminal.
  bool printable = std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c != 0x7f; });
  return printable ? text : "";
}

DenylistResult configmap(ServingCluster& cluster, const ServingOptions& options, const DenylistEntry& entry,
                         const Clock& clock)
{
  auto start = clock.steady_now();
  DenylistResult result;
  result.where = fmt::format("configmap {} ({})", options.denylist_configmap, cluster.describe());
  try {
    // The key is the entry's identity: whoever wrote it first, and when
    // (`since`), stays.
    auto found = cluster.add_configmap_entry(options.denylist_configmap, entry.key(), entry.to_json().dump());
    result.ok = true;
    result.already = found.has_value();
    result.detail = found ? "already denylisted" + first_entry(*found) : "denylisted";
  } catch (const Error& e) {
    result.detail = e.what();
  }
  result.ms = elapsed_since(clock, start).count();
  return result;
}

} // namespace

ServingOptions serving_options(const Config& config)
{
  ServingOptions options;
  options.denylist_url = config.get_string("serving.denylist_url").value_or("");
  if (!options.denylist_url.empty() && !options.denylist_url.starts_with("http://") &&
      !options.denylist_url.starts_with("https://")) {
    throw Error(ErrorKind::config,
                fmt::format("{}: serving.denylist_url: \"{}\" is not http(s)", config.origin("serving.denylist_url"),
                            redact_url(options.denylist_url)));
  }
  options.denylist_token = config.get_secret("serving.denylist_token");
  options.denylist_configmap = config.get_string("serving.denylist_configmap").value_or("");
  options.deployment = config.get_string("serving.deployment").value_or("");
  options.cronjob_selector = config.get_string("serving.cronjob_selector").value_or(options.cronjob_selector);
  return options;
}

std::string DenylistEntry::key() const
{
  return model + "." + version;
}

json DenylistEntry::to_json() const
{
  return json{{"model", model},
              {"version", version},
              {"incident", incident},
              {"reason", reason},
              {"since", format_rfc3339(since)}};
}

json DenylistResult::to_json() const
{
  return json{{"where", where}, {"ok", ok}, {"already", already}, {"status", status}, {"detail", detail}, {"ms", ms}};
}

std::vector<DenylistResult> add_to_denylists(http::Transport& transport, const ServingOptions& options,
                                             ServingCluster* cluster, const DenylistEntry& entry, const Clock& clock)
{
  std::vector<DenylistResult> results;
  if (!options.denylist_url.empty()) {
    results.push_back(gateway(transport, options, entry, clock));
  }
  if (!options.denylist_configmap.empty() && cluster != nullptr) {
    results.push_back(configmap(*cluster, options, entry, clock));
  }
  return results;
}

std::vector<DenylistResult> remove_from_denylists(http::Transport& transport, const ServingOptions& options,
                                                  ServingCluster* cluster, const std::string& model,
                                                  const std::string& version, const Clock& clock)
{
  std::vector<DenylistResult> results;
  if (!options.denylist_url.empty()) {
    auto start = clock.steady_now();
    std::string url = expand(options.denylist_url, model, version);
    auto request = [&](const char* method) {
      http::Request r;
      r.method = method;
      r.url = url;
      r.idempotent = true;
      if (options.denylist_token) {
        r.header("Authorization", "Bearer " + options.denylist_token->reveal());
      }
      return r;
    };
    DenylistResult result;
    result.where = "gateway " + redact_url(url);
    auto answer = transport.perform(request("DELETE"));
    result.status = answer.status;
    if (!answer.ok() && !(answer.transport_ok() && answer.status == 404)) {
      result.detail = "DELETE: " + failure(answer);
    } else {
      auto check = transport.perform(request("GET"));
      result.ok = check.transport_ok() && check.status == 404;
      result.already = answer.status == 404;
      result.detail = result.ok ? "removed, confirmed" : "DELETE accepted but GET still answers: " + failure(check);
    }
    result.ms = elapsed_since(clock, start).count();
    results.push_back(result);
  }
  if (!options.denylist_configmap.empty() && cluster != nullptr) {
    auto start = clock.steady_now();
    DenylistResult result;
    result.where = fmt::format("configmap {} ({})", options.denylist_configmap, cluster->describe());
    try {
      result.already = !cluster->remove_configmap_entry(options.denylist_configmap, model + "." + version);
      result.ok = true;
      result.detail = result.already ? "was not denylisted" : "removed";
    } catch (const Error& e) {
      result.detail = e.what();
    }
    result.ms = elapsed_since(clock, start).count();
    results.push_back(result);
  }
  return results;
}

} // namespace credguard::incident
