#include <credguard/core/error.hpp>
#include <credguard/core/redact.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/core/time_format.hpp>
#include <credguard/incident/purge.hpp>

#include <fmt/format.h>

namespace credguard::incident {

namespace {

using nlohmann::json;

struct LayerKey {
  const char* key; // purge.<key>
  Layer layer;
  const char* default_method;
};

constexpr LayerKey k_layer_keys[] = {
    {"gateway", Layer::gateway, "GET"}, {"torchserve", Layer::serving, "DELETE"},
    {"triton", Layer::serving, "POST"}, {"vector", Layer::vector, "POST"},
    {"cdn", Layer::cdn, "PURGE"},
};

std::string trim_slash(std::string url)
{
  while (url.ends_with('/')) {
    url.pop_back();
  }
  return url;
}

std::string one_line(std::string_view text)
{
  std::string out(trim(text.substr(0, std::min<std::size_t>(text.size(), 200))));
  for (char& c : out) {
    if (c == '\n' || c == '\r') {
      c = ' ';
    }
  }
  return out;
}

std::string failure(const http::Response& response)
{
  if (!response.transport_ok()) {
    return fmt::format("{}: {}", to_string(response.error), response.error_message);
  }
  auto body = one_line(response.body);
  return body.empty() ? fmt::format("HTTP {}", response.status) : fmt::format("HTTP {}: {}", response.status, body);
}

// One request to send for one endpoint (a CDN endpoint sends one per path).
struct Job {
  const PurgeEndpoint* endpoint;
  std::string id;
  http::Request purge;
  std::optional<http::Request> verify = std::nullopt;
  std::string triton_model = {};
};

http::Request make_request(const PurgeEndpoint& endpoint, std::string method, std::string url, Millis timeout)
{
  http::Request request;
  request.method = std::move(method);
  request.url = std::move(url);
  request.timeout = timeout;
  // Purging, unloading and checking are safe to repeat.
  request.idempotent = true;
  if (endpoint.token) {
    request.header("Authorization", "Bearer " + endpoint.token->reveal());
  }
  return request;
}

std::vector<Job> plan_jobs(const PurgeTargets& targets, const std::string& model, const std::string& version)
{
  std::vector<Job> jobs;
  std::string m = percent_encode(model);
  std::string v = percent_encode(version);
  for (const auto& endpoint : targets.endpoints) {
    std::string base = trim_slash(endpoint.url);
    std::string id = std::string(to_string(endpoint.layer)) + "/" + endpoint.name;
    if (endpoint.kind == "gateway" || endpoint.kind == "vector") {
      jobs.push_back(
          Job{&endpoint, id,
              make_request(endpoint, endpoint.method, expand(endpoint.url, model, version), targets.timeout)});
    } else if (endpoint.kind == "torchserve") {
      std::string path = fmt::format("{}/models/{}/{}", base, m, v);
      jobs.push_back(Job{&endpoint, id, make_request(endpoint, "DELETE", path, targets.timeout),
                         make_request(endpoint, "GET", path, targets.timeout)});
    } else if (endpoint.kind == "triton") {
      // Names are validated to unreserved characters, so the expanded
      // template is also the model's name in Triton's index.
      std::string name = expand(endpoint.triton_model.empty() ? "{model}" : endpoint.triton_model, model, version);
      auto unload =
          make_request(endpoint, "POST", fmt::format("{}/v2/repository/models/{}/unload", base, percent_encode(name)),
                       targets.timeout);
      unload.header("Content-Type", "application/json");
      unload.body = "{}";
      auto index = make_request(endpoint, "POST", base + "/v2/repository/index", targets.timeout);
      index.header("Content-Type", "application/json");
      index.body = "{}";
      jobs.push_back(Job{&endpoint, id, std::move(unload), std::move(index), name});
    } else if (endpoint.kind == "cdn") {
      for (const auto& path_template : endpoint.paths) {
        std::string path = expand(path_template, model, version);
        std::string url = base + (path.starts_with('/') ? "" : "/") + path;
        jobs.push_back(Job{&endpoint, id + path, make_request(endpoint, "PURGE", url, targets.timeout),
                           make_request(endpoint, "HEAD", url, targets.timeout)});
      }
    }
  }
  return jobs;
}

bool purge_ok(const Job& job, const http::Response& response, std::string& detail)
{
  if (job.endpoint->kind == "torchserve" && response.status == 404) {
    detail = "not registered";
    return true;
  }
  if (response.ok()) {
    detail = job.endpoint->kind == "cdn"          ? "purged"
             : job.endpoint->kind == "torchserve" ? "unregistered"
             : job.endpoint->kind == "triton"     ? "unloaded"
                                                  : "purged";
    return true;
  }
  detail = failure(response);
  return false;
}

// True when the cache answered from the origin, not from its store.
bool cache_missed(const http::Response& response)
{
  if (auto xv = response.header("X-Varnish")) {
    return split_list(*xv, ' ').size() <= 1;
  }
  if (auto x_cache = response.header("X-Cache")) {
    return to_upper(*x_cache).find("HIT") == std::string::npos;
  }
  auto age = response.header("Age");
  return !age || parse_int(*age).value_or(0) == 0;
}

// Whether the layer confirms the version is gone, with a reason when not.
bool verified(const Job& job, const http::Response& response, std::string& detail)
{
  const std::string& kind = job.endpoint->kind;
  if (!response.transport_ok() || response.status >= 500) {
    detail = "could not verify: " + failure(response);
    return false;
  }
  if (kind == "torchserve") {
    if (response.status == 404) {
      return true;
    }
    detail = fmt::format("still registered (GET answered HTTP {})", response.status);
    return false;
  }
  if (kind == "triton") {
    auto index = json::parse(response.body, nullptr, false);
    if (!response.ok() || !index.is_array()) {
      detail = "could not verify: the repository index is not a JSON array";
      return false;
    }
    for (const auto& model : index) {
      if (model.value("name", "") == job.triton_model && model.value("state", "") == "READY") {
        detail = fmt::format("still READY in the repository index (version {})", model.value("version", "?"));
        return false;
      }
    }
    return true;
  }
  if (cache_missed(response)) {
    return true;
  }
  detail = "still served from cache (hit after PURGE)";
  return false;
}

} // namespace

std::string_view to_string(Layer layer)
{
  switch (layer) {
  case Layer::gateway: return "gateway";
  case Layer::serving: return "serving";
  case Layer::vector: return "vector";
  case Layer::cdn: return "cdn";
  }
  return "gateway";
}

std::optional<Layer> parse_layer(std::string_view name)
{
  for (Layer layer : all_layers()) {
    if (to_string(layer) == name) {
      return layer;
    }
  }
  return std::nullopt;
}

const std::vector<Layer>& all_layers()
{
  static const std::vector<Layer> k_layers = {Layer::gateway, Layer::serving, Layer::vector, Layer::cdn};
  return k_layers;
}

PurgeTargets PurgeTargets::only(const std::set<Layer>& layers) const
{
  PurgeTargets out = *this;
  std::erase_if(out.endpoints, [&](const PurgeEndpoint& e) { return !layers.contains(e.layer); });
  return out;
}

std::string expand(const std::string& text, const std::string& model, const std::string& version)
{
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    if (text.compare(i, 7, "{model}") == 0) {
      out += percent_encode(model);
      i += 7;
    } else if (text.compare(i, 9, "{version}") == 0) {
      out += percent_encode(version);
      i += 9;
    } else {
      out += text[i++];
    }
  }
  return out;
}

PurgeTargets purge_targets(const Config& config)
{
  PurgeTargets targets;
  targets.timeout = config.get_duration("purge.timeout").value_or(targets.timeout);
  if (auto concurrency = config.get_int("purge.concurrency")) {
    targets.concurrency = static_cast<std::size_t>(std::max<long long>(1, *concurrency));
  }
  std::set<std::string> ids;
  for (const auto& key : k_layer_keys) {
    std::string dotted = std::string("purge.") + key.key;
    int index = 0;
    for (const auto& view : config.get_objects(dotted)) {
      ++index;
      PurgeEndpoint endpoint;
      endpoint.layer = key.layer;
      endpoint.kind = key.key;
      endpoint.url = view.get_string("url").value_or("");
      endpoint.name = view.get_string("name").value_or(fmt::format("{}-{}", key.key, index));
      endpoint.method = to_upper(view.get_string("method").value_or(key.default_method));
      endpoint.triton_model = view.get_string("model").value_or("{model}");
      endpoint.paths = view.get_list("paths");
      std::string where = fmt::format("{}: {}[{}]", config.origin(dotted), dotted, index);
      if (endpoint.url.empty()) {
        throw Error(ErrorKind::config, where + ": url is required");
      }
      if (!endpoint.url.starts_with("http://") && !endpoint.url.starts_with("https://")) {
        throw Error(ErrorKind::config, fmt::format("{}: url \"{}\" is not http(s)", where, redact_url(endpoint.url)));
      }
      if (endpoint.kind == "cdn" && endpoint.paths.empty()) {
        throw Error(ErrorKind::config, where + ": paths is required (the paths to PURGE)");
      }
      if (!ids.insert(std::string(to_string(endpoint.layer)) + "/" + endpoint.name).second) {
        throw Error(ErrorKind::config, fmt::format("{}: the name \"{}\" is used twice in the {} layer", where,
                                                   endpoint.name, to_string(endpoint.layer)));
      }
      endpoint.token = view.get_secret("token");
      targets.endpoints.push_back(std::move(endpoint));
    }
  }
  return targets;
}

json PurgeResult::to_json() const
{
  json out{{"id", id},
           {"layer", layer},
           {"kind", kind},
           {"endpoint", endpoint},
           {"request", request},
           {"ok", ok},
           {"status", status},
           {"detail", detail},
           {"ms", ms},
           {"attempts", attempts},
           {"verify_ms", verify_ms},
           {"at", at}};
  out["verified"] = verified ? json(*verified) : json();
  return out;
}

std::vector<PurgeResult> purge(http::Transport& transport, const PurgeTargets& targets, const std::string& model,
                               const std::string& version, const Clock& clock, const std::set<std::string>& skip)
{
  auto jobs = plan_jobs(targets, model, version);
  std::erase_if(jobs, [&](const Job& job) { return skip.contains(job.id); });
  std::vector<http::Request> requests;
  for (const auto& job : jobs) {
    requests.push_back(job.purge);
  }
  std::vector<PurgeResult> results(jobs.size());
  http::FanOutOptions fan_out;
  fan_out.max_concurrency = targets.concurrency;
  fan_out.on_done = [&](std::size_t index, const http::Response&) { results[index].at = format_rfc3339(clock.now()); };
  auto responses = transport.perform_all(requests, fan_out);

  std::vector<http::Request> checks;
  std::vector<std::size_t> checked;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const Job& job = jobs[i];
    PurgeResult& result = results[i];
    result.id = job.id;
    result.layer = std::string(to_string(job.endpoint->layer));
    result.kind = job.endpoint->kind;
    result.endpoint = job.endpoint->name;
    result.request = fmt::format("{} {}", job.purge.method, redact_url(job.purge.url));
    result.status = responses[i].status;
    result.ms = responses[i].elapsed.count();
    result.attempts = responses[i].attempts;
    result.ok = purge_ok(job, responses[i], result.detail);
    if (result.ok && job.verify) {
      checks.push_back(*job.verify);
      checked.push_back(i);
    }
  }
  fan_out.on_done = nullptr;
  auto answers = transport.perform_all(checks, fan_out);
  for (std::size_t k = 0; k < checked.size(); ++k) {
    PurgeResult& result = results[checked[k]];
    std::string why;
    result.verified = verified(jobs[checked[k]], answers[k], why);
    result.verify_ms = answers[k].elapsed.count();
    if (!*result.verified) {
      result.ok = false;
      result.detail = why;
    } else {
      result.detail += ", verified";
    }
  }
  return results;
}

json CacheProbe::to_json() const
{
  json out{{"id", id},           {"layer", layer},           {"kind", kind},    {"endpoint", endpoint},
           {"request", request}, {"observable", observable}, {"detail", detail}};
  out["holds"] = holds ? json(*holds) : json();
  if (age_s) {
    out["age_s"] = *age_s;
  }
  return out;
}

std::vector<CacheProbe> probe(http::Transport& transport, const PurgeTargets& targets, const std::string& model,
                              const std::string& version)
{
  auto jobs = plan_jobs(targets, model, version);
  std::vector<CacheProbe> probes(jobs.size());
  std::vector<http::Request> reads;
  std::vector<std::size_t> read_index;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const Job& job = jobs[i];
    CacheProbe& probe = probes[i];
    probe.id = job.id;
    probe.layer = std::string(to_string(job.endpoint->layer));
    probe.kind = job.endpoint->kind;
    probe.endpoint = job.endpoint->name;
    if (!job.verify) {
      probe.detail = "this layer has no read-back";
      continue;
    }
    probe.observable = true;
    probe.request = fmt::format("{} {}", job.verify->method, redact_url(job.verify->url));
    reads.push_back(*job.verify);
    read_index.push_back(i);
  }
  http::FanOutOptions fan_out;
  fan_out.max_concurrency = targets.concurrency;
  auto answers = transport.perform_all(reads, fan_out);
  for (std::size_t k = 0; k < read_index.size(); ++k) {
    const Job& job = jobs[read_index[k]];
    CacheProbe& probe = probes[read_index[k]];
    const auto& answer = answers[k];
    std::string why;
    bool gone = verified(job, answer, why);
    if (gone) {
      probe.holds = false;
      probe.detail = job.endpoint->kind == "cdn" ? "not cached" : "not loaded";
    } else if (why.starts_with("could not verify")) {
      probe.detail = why;
    } else {
      probe.holds = true;
      probe.detail = why;
      if (job.endpoint->kind == "cdn") {
        probe.age_s = parse_int(answer.header("Age").value_or("0")).value_or(0);
        probe.detail = fmt::format("cached (hit, age {} s)", *probe.age_s);
      }
    }
  }
  return probes;
}

bool cached_before(long long age_s, SystemTime purged_at, SystemTime now)
{
  return now - std::chrono::seconds(age_s) <= purged_at;
}

} // namespace credguard::incident
