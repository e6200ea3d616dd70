#include <credguard/core/error.hpp>
#include <credguard/core/redact.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/incident/rollback_steps.hpp>
#include <credguard/journal/names.hpp>

#include <fmt/format.h>

#include <cmath>

namespace credguard::incident {

namespace {

using nlohmann::json;

http::Request make_request(const std::string& method, const std::string& url, const PurgeEndpoint& endpoint)
{
  http::Request request;
  request.method = method;
  request.url = url;
  request.idempotent = true;
  if (endpoint.token) {
    request.header("Authorization", "Bearer " + endpoint.token->reveal());
  }
  return request;
}

std::string answer_of(const http::Response& response)
{
  if (!response.transport_ok()) {
    return response.error_message;
  }
  return fmt::format("HTTP {} {}", response.status,
                     trim(response.body.substr(0, std::min<std::size_t>(response.body.size(), 160))));
}

// TorchServe: describe answers [{..., "workers": [{"status": "READY"}]}].
bool torchserve_ready(const http::Response& response)
{
  auto body = json::parse(response.body, nullptr, false);
  if (!response.ok() || !body.is_array() || body.empty()) {
    return false;
  }
  for (const auto& worker : body[0].value("workers", json::array())) {
    if (worker.value("status", "") == "READY") {
      return true;
    }
  }
  return false;
}

json warm_one(http::Transport& http, const PurgeEndpoint& endpoint, const Clock& clock, const std::string& model,
              const std::string& version, Millis timeout)
{
  auto start = clock.steady_now();
  json out{{"endpoint", endpoint.name}, {"kind", endpoint.kind}, {"ok", false}};
  std::string base = endpoint.url;
  while (!base.empty() && base.back() == '/') {
    base.pop_back();
  }
  http::Request ready;
  if (endpoint.kind == "triton") {
    std::string name = expand(endpoint.triton_model, model, version);
    auto load = http.perform(make_request("POST", base + "/v2/repository/models/" + name + "/load", endpoint));
    if (!load.ok()) {
      out["detail"] = "load: " + answer_of(load);
      return out;
    }
    ready = make_request("GET", base + "/v2/models/" + name + "/ready", endpoint);
  } else {
    std::string path = base + "/models/" + expand("{model}/{version}", model, version);
    auto described = http.perform(make_request("GET", path, endpoint));
    if (described.transport_ok() && described.status == 404) {
      auto registered = http.perform(
          make_request("POST",
                       base + "/models?url=" + expand("{model}_{version}.mar", model, version) +
                           "&model_name=" + expand("{model}", model, version) + "&initial_workers=1&synchronous=true",
                       endpoint));
      if (!registered.ok()) {
        out["detail"] = "register: " + answer_of(registered);
        return out;
      }
    }
    auto scaled = http.perform(make_request("PUT", path + "?min_worker=1&synchronous=true", endpoint));
    if (!scaled.ok()) {
      out["detail"] = "scale workers: " + answer_of(scaled);
      return out;
    }
    ready = make_request("GET", path, endpoint);
  }
  out["request"] = ready.method + " " + redact_url(ready.url);
  while (true) {
    auto answer = http.perform(ready);
    bool ok = endpoint.kind == "triton" ? answer.ok() : torchserve_ready(answer);
    if (ok) {
      out["ok"] = true;
      out["detail"] = "ready";
      break;
    }
    if (elapsed_since(clock, start) >= timeout) {
      out["detail"] = fmt::format("not ready after {} s: {}", timeout.count() / 1000, answer_of(answer));
      break;
    }
    clock.sleep_for(Millis(1000));
  }
  out["ms"] = elapsed_since(clock, start).count();
  return out;
}

std::string fill(std::string text, const std::string& model, const std::string& version)
{
  for (const auto& [key, value] : {std::pair<std::string, std::string>{"{model}", model}, {"{version}", version}}) {
    for (auto at = text.find(key); at != std::string::npos; at = text.find(key, at + value.size())) {
      text.replace(at, key.size(), value);
    }
  }
  return text;
}

} // namespace

json prewarm(http::Transport& http, const PurgeTargets& targets, const Clock& clock, const std::string& model,
             const std::string& version, Millis timeout)
{
  json results = json::array();
  for (const auto& endpoint : targets.endpoints) {
    if (endpoint.kind == "torchserve" || endpoint.kind == "triton") {
      results.push_back(warm_one(http, endpoint, clock, model, version, timeout));
    }
  }
  return results;
}

Step prewarm_step(Services& services, const RollbackSettings& settings, std::string model, std::string version)
{
  Step step{std::string(journal::step::prewarm),
            fmt::format("pre-warm {}@{} in TorchServe/Triton and wait until ready (up to {} s)", model, version,
                        settings.ready_timeout.count() / 1000)};
  step.stop_on_failure = true;
  step.run = [&services, &settings, model, version](const StepContext&) {
    auto results = prewarm(services.http, services.purge, services.clock, model, version, settings.ready_timeout);
    json evidence{{"endpoints", results}};
    if (results.empty()) {
      return StepResult{Outcome::skipped,
                        "no TorchServe or Triton endpoint configured (purge.torchserve, purge.triton)", evidence};
    }
    std::vector<std::string> failed;
    for (const auto& result : results) {
      if (!result.value("ok", false)) {
        failed.push_back(result.value("endpoint", "?") + ": " + result.value("detail", "?"));
      }
    }
    if (!failed.empty()) {
      return StepResult{Outcome::failed, "not ready, production left as it is: " + join(failed, "; "), evidence};
    }
    return StepResult{Outcome::ok, fmt::format("ready on {} endpoint(s)", results.size()), evidence};
  };
  return step;
}

Step validate_step(RollbackServices& services, std::string model, std::string version)
{
  const auto& configured_settings = services.settings;
  bool configured = !configured_settings.health_url.empty() || !configured_settings.slo.empty();
  Step step{std::string(journal::step::validate),
            configured ? fmt::format("validate health and {} SLO query(ies) over {} s", configured_settings.slo.size(),
                                     configured_settings.settle.count() / 1000)
                       : "validate: no rollback.health_url or rollback.slo configured (skipped)"};
  step.run = [&services, model, version, configured](const StepContext&) {
    const auto& settings = services.settings;
    const Clock& clock = services.services.clock;
    json evidence{{"samples", json::array()}};
    if (!configured) {
      return StepResult{Outcome::skipped, "nothing to validate with (rollback.health_url, rollback.slo)", evidence};
    }
    if (!settings.health_url.empty()) {
      http::Request health;
      health.url = fill(settings.health_url, model, version);
      auto answer = services.services.http.perform(health);
      evidence["health"] = json{{"url", redact_url(health.url)}, {"status", answer.status}};
      if (!answer.ok()) {
        return StepResult{Outcome::failed, fmt::format("health {}: {}", redact_url(health.url), answer_of(answer)),
                          evidence};
      }
    }
    if (!settings.slo.empty() && services.services.prometheus == nullptr) {
      return StepResult{Outcome::failed, "rollback.slo is set but prometheus.url is not", evidence};
    }
    auto start = clock.steady_now();
    while (!settings.slo.empty()) {
      for (const auto& slo : settings.slo) {
        std::string query = fill(slo.query, model, version);
        json sample{{"slo", slo.name}, {"query", query}, {"max", slo.max}};
        std::string problem;
        try {
          auto result = services.services.prometheus->query(query);
          if (result.samples.empty() || std::isnan(result.samples[0].value)) {
            problem = "no data";
          } else {
            sample["value"] = result.samples[0].value;
            if (result.samples[0].value > slo.max) {
              problem = fmt::format("{} > {}", result.samples[0].value, slo.max);
            }
          }
        } catch (const Error& error) {
          problem = error.what();
        }
        sample["ok"] = problem.empty();
        evidence["samples"].push_back(sample);
        if (!problem.empty()) {
          return StepResult{Outcome::failed, fmt::format("SLO {} breached: {} ({})", slo.name, problem, query),
                            evidence};
        }
      }
      if (elapsed_since(clock, start) + settings.interval > settings.settle) {
        break;
      }
      clock.sleep_for(settings.interval);
    }
    return StepResult{Outcome::ok,
                      fmt::format("healthy; {} SLO sample(s) within thresholds", evidence["samples"].size()), evidence};
  };
  return step;
}

} // namespace credguard::incident
