#include <credguard/checks/check_params.hpp>
#include <credguard/checks/net_kinds.hpp>
#include <credguard/checks/tls_probe.hpp>
#include <credguard/core/error.hpp>
#include <credguard/core/redact.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/core/time_format.hpp>
#include <credguard/http/transport.hpp>

#include <fmt/format.h>

#include <cmath>
#include <future>

namespace credguard::checks {

namespace {

std::vector<TlsEndpoint> tls_hosts(const CheckDefinition& def)
{
  std::vector<TlsEndpoint> hosts;
  for (const auto& text : params::list(def, "hosts")) {
    auto endpoint = parse_tls_endpoint(text);
    if (!endpoint) {
      params::fail(def, "hosts", fmt::format("\"{}\" is not host:port", text));
    }
    hosts.push_back(*endpoint);
  }
  return hosts;
}

class TlsKind final : public CheckKind {
public:
  std::string_view name() const override { return "tls"; }

  void validate(const CheckDefinition& def) const override
  {
    tls_hosts(def);
    params::duration(def, "timeout");
  }

  std::vector<CheckResult> run(const CheckDefinition& def, CheckContext& context) const override
  {
    auto hosts = tls_hosts(def);
    if (hosts.empty()) {
      params::fail(def, "hosts", "give at least one host:port");
    }
    TlsProbeOptions options;
    options.ca_bundle = params::text(def, "ca_bundle");
    if (options.ca_bundle.empty()) {
      options.ca_bundle = context.config.get_string("http.ca_bundle").value_or("");
    }
    options.timeout = params::duration(def, "timeout").value_or(std::min(Millis(5000), def.timeout));
    options.now = context.clock.now();
    std::vector<std::future<TlsProbe>> probes;
    for (const auto& host : hosts) {
      probes.push_back(std::async(std::launch::async, [host, options] { return probe_tls(host, options); }));
    }
    std::vector<CheckResult> results;
    for (std::size_t i = 0; i < hosts.size(); ++i) {
      results.push_back(judge(def, hosts[i], probes[i].get(), options.now));
    }
    return results;
  }

private:
  static CheckResult judge(const CheckDefinition& def, const TlsEndpoint& host, const TlsProbe& probe, SystemTime now)
  {
    CheckResult result;
    std::string where = host.text();
    if (!probe.error.empty() || !probe.not_after) {
      result.status = Status::unknown;
      result.detail = fmt::format("{}: {}", where, probe.error.empty() ? "no expiry date" : probe.error);
    } else {
      auto seconds = std::chrono::duration_cast<std::chrono::seconds>(*probe.not_after - now).count();
      double days = std::floor(static_cast<double>(seconds) / 86400.0);
      result = measured(def, days);
      std::string expiry = format_rfc3339_seconds(*probe.not_after);
      if (seconds < 0) {
        result.status = Status::fail;
        result.detail =
            fmt::format("{}: expired {} days ago ({}), issuer {}", where, -seconds / 86400, expiry, probe.issuer);
      } else if (!probe.trusted) {
        result.status = Status::fail;
        result.detail =
            fmt::format("{}: untrusted: {} (issuer {}); expires {}", where, probe.verify_error, probe.issuer, expiry);
      } else {
        result.detail = fmt::format("{}: expires {} ({}, issuer {})", where, expiry, probe.subject, probe.issuer);
      }
      result.data = {{"not_after", expiry},      {"subject", probe.subject},           {"issuer", probe.issuer},
                     {"trusted", probe.trusted}, {"verify_error", probe.verify_error}, {"protocol", probe.protocol}};
    }
    result.id = def.id + ":" + where;
    result.title = fmt::format("{} {}", def.title, where);
    result.data["endpoint"] = where;
    return result;
  }
};

struct Endpoint {
  std::string name;
  std::string url;
  Millis timeout{5000};
};

std::vector<Endpoint> endpoints(const CheckDefinition& def)
{
  std::vector<Endpoint> out;
  auto node = def.params["endpoints"];
  if (!node || node.IsNull()) {
    return out;
  }
  if (!node.IsSequence()) {
    params::fail(def, "endpoints", "expected a list of {name, url, timeout} or URLs");
  }
  for (const auto& item : node) {
    Endpoint endpoint;
    if (item.IsScalar()) {
      endpoint.url = item.Scalar();
    } else if (item.IsMap()) {
      endpoint.url = item["url"] ? item["url"].as<std::string>() : "";
      endpoint.name = item["name"] ? item["name"].as<std::string>() : "";
      if (item["timeout"]) {
        auto timeout = parse_duration(item["timeout"].as<std::string>());
        if (!timeout || timeout->count() == 0) {
          params::fail(def, "endpoints", fmt::format("{}: timeout: expected a duration such as 2s", endpoint.url));
        }
        endpoint.timeout = *timeout;
      }
    }
    if (!endpoint.url.starts_with("http://") && !endpoint.url.starts_with("https://")) {
      params::fail(def, "endpoints", fmt::format("\"{}\" is not an http(s) URL", redact_url(endpoint.url)));
    }
    if (endpoint.name.empty()) {
      endpoint.name = redact_url(endpoint.url);
    }
    out.push_back(endpoint);
  }
  return out;
}

class HttpKind final : public CheckKind {
public:
  std::string_view name() const override { return "http"; }

  void validate(const CheckDefinition& def) const override { endpoints(def); }

  std::vector<CheckResult> run(const CheckDefinition& def, CheckContext& context) const override
  {
    auto targets = endpoints(def);
    if (targets.empty()) {
      params::fail(def, "endpoints", "give at least one URL");
    }
    std::vector<http::Request> requests;
    for (const auto& target : targets) {
      http::Request request;
      request.url = target.url;
      request.timeout = target.timeout;
      request.connect_timeout = target.timeout;
      request.header("Accept", "application/json, text/plain, */*");
      requests.push_back(std::move(request));
    }
    auto responses = context.clients.http().perform_all(requests, http::FanOutOptions{});
    std::vector<CheckResult> results;
    for (std::size_t i = 0; i < targets.size(); ++i) {
      results.push_back(judge(def, targets[i], requests[i], responses[i]));
    }
    return results;
  }

private:
  static CheckResult judge(const CheckDefinition& def, const Endpoint& target, const http::Request& request,
                           const http::Response& response)
  {
    CheckResult result;
    auto ms = static_cast<double>(response.elapsed.count());
    std::string url = redact_url(target.url);
    std::string limit = format_duration(target.timeout);
    result.value = ms;
    result.value_text = fmt::format("{} ms", response.elapsed.count());
    result.threshold = fmt::format("2xx within {}", limit);
    if (!response.transport_ok()) {
      result.status = Status::fail;
      result.value = std::nullopt;
      result.value_text = "-";
      result.detail = response.error == http::TransportError::timeout
                          ? fmt::format("{}: no answer within {}", url, limit)
                          : http::describe_failure(request, response);
    } else if (!response.ok()) {
      result.status = Status::fail;
      result.detail = fmt::format("{}: HTTP {} in {} ms", url, response.status, response.elapsed.count());
    } else if (response.elapsed > target.timeout) {
      result.status = Status::fail;
      result.detail = fmt::format("{}: HTTP {} only after {} ms (over {}, {} attempts)", url, response.status,
                                  response.elapsed.count(), limit, response.attempts);
    } else {
      result.status = Status::pass;
      result.detail = fmt::format("{}: HTTP {} in {} ms", url, response.status, response.elapsed.count());
    }
    result.id = def.id + ":" + target.name;
    result.title = fmt::format("{} {}", def.title, target.name);
    result.data = {{"url", url}, {"status", response.status}, {"attempts", response.attempts}};
    return result;
  }
};

} // namespace

void add_net_kinds(KindRegistry& registry)
{
  registry.add(std::make_unique<TlsKind>());
  registry.add(std::make_unique<HttpKind>());
}

} // namespace credguard::checks
