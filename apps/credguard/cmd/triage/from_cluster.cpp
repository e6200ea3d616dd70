// triage --from-cluster, and the maintenance window the cluster declares.
#include "cmd/triage/triage.hpp"

#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/core/time_format.hpp>
#include <credguard/triage/bot_log.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <sstream>

namespace credguard::cli {

namespace {

std::string setting(Context& ctx, const std::string& flag, const char* key, const char* fallback)
{
  if (!flag.empty()) {
    return flag;
  }
  auto value = ctx.config().get_string(key);
  return value && !value->empty() ? *value : fallback;
}

long long since_seconds(const TriageOptions& options, Context& ctx)
{
  Millis since{3'600'000};
  if (!options.since.empty()) {
    auto parsed = parse_duration(options.since);
    if (!parsed || parsed->count() <= 0) {
      throw Error(ErrorKind::usage,
                  fmt::format("--since \"{}\": expected a positive duration such as 30m, 2h or 1d", options.since));
    }
    since = *parsed;
  } else if (auto configured = ctx.config().get_duration("triage.bot_since")) {
    since = *configured;
  }
  return std::max<long long>(1, (since.count() + 999) / 1000);
}

k8s::Client& cluster_for(Context& ctx)
{
  auto* client = ctx.kubernetes();
  if (client == nullptr) {
    throw Error(ErrorKind::config, "--from-cluster: no Kubernetes cluster configured",
                "set kubernetes.kubeconfig (or $KUBECONFIG, ~/.kube/config) or kubernetes.in_cluster: true");
  }
  return *client;
}

// The pod's status.phase, "unknown" when it cannot be read.
std::string pod_phase(k8s::Client& client, const std::string& ns, const std::string& pod)
{
  try {
    auto object = client.get(k8s::resource_path("v1", "pods", ns, pod));
    auto phase = object.value("status", nlohmann::json::object()).value("phase", "");
    return phase.empty() ? "unknown" : phase;
  } catch (const Error&) {
    return "unknown";
  }
}

} // namespace

std::optional<triage::MaintenanceWindow> cluster_maintenance(Context& ctx)
{
  k8s::Client* client = nullptr;
  try {
    client = ctx.kubernetes();
  } catch (const Error& e) {
    ctx.log().warn(fmt::format("maintenance window unknown: {}", e.what()));
    return triage::MaintenanceWindow{std::nullopt, fmt::format("cluster unusable: {}", e.what())};
  }
  if (client == nullptr) {
    return std::nullopt;
  }
  std::string ns = setting(ctx, "", "triage.maintenance_namespace", "monitoring");
  std::string name = setting(ctx, "", "triage.maintenance_configmap", "maintenance-status");
  std::string where = fmt::format("configmap {}/{}", ns, name);
  try {
    auto object = client->get(k8s::resource_path("v1", "configmaps", ns, name));
    return triage::maintenance_from(object.value("data", nlohmann::json::object()), ctx.clock().now(), where);
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::data && std::string(e.what()).find("not found") != std::string::npos) {
      return triage::MaintenanceWindow{false, where + " does not exist: no window"};
    }
    ctx.log().warn(fmt::format("maintenance window unknown: {}", e.what()));
    return triage::MaintenanceWindow{std::nullopt, fmt::format("{} unreadable: {}", where, e.what())};
  }
}

int run_triage_from_cluster(const TriageOptions& options, Context& ctx, OutputFormat format,
                            const triage::Thresholds& thresholds)
{
  auto& client = cluster_for(ctx);
  std::string ns = setting(ctx, options.ns, "triage.bot_namespace", "monitoring");
  std::string selector = setting(ctx, options.selector, "triage.bot_selector", "app=incident-bot");
  k8s::LogOptions log_options;
  log_options.container = setting(ctx, options.container, "triage.bot_container", "");
  log_options.since_seconds = since_seconds(options, ctx);
  log_options.tail_lines = ctx.config().get_int("triage.bot_tail_lines").value_or(10'000);
  log_options.timestamps = true;

  std::vector<std::string> pods;
  if (!options.pod.empty()) {
    pods.push_back(options.pod);
  } else {
    k8s::ListOptions list_options;
    list_options.label_selector = selector;
    auto list = client.list(k8s::resource_path("v1", "pods", ns), list_options);
    for (const auto& item : list["items"]) {
      pods.push_back(item["metadata"].value("name", ""));
    }
    if (pods.empty()) {
      throw Error(ErrorKind::unavailable,
                  fmt::format("--from-cluster: no pod matches labelSelector {} in namespace {} ({})", selector, ns,
                              client.source()),
                  "is the incident bot running? give --selector or --pod (triage.bot_selector)");
    }
  }
  // One stream, so that trips of several pods are correlated by time.
  std::ostringstream log;
  nlohmann::json read = nlohmann::json::array();
  std::size_t first_line = 1;
  std::vector<std::string> without_log;
  for (const auto& pod : pods) {
    ctx.log().info(fmt::format("reading the log of pod {}/{} (last {}s)", ns, pod, *log_options.since_seconds));
    auto answer = client.pod_log(ns, pod, log_options);
    if (!answer) {
      // 204 No Content: never scheduled, which is not "no trips".
      without_log.push_back(fmt::format("{}/{} (phase {})", ns, pod, pod_phase(client, ns, pod)));
      ctx.log().warn(fmt::format("pod {} has no log yet", without_log.back()));
      continue;
    }
    std::string text = std::move(*answer);
    if (!text.empty() && text.back() != '\n') {
      text += '\n';
    }
    auto lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
    read.push_back({{"pod", pod}, {"first_line", first_line}, {"lines", lines}});
    first_line += lines;
    log << text;
  }
  if (read.empty()) {
    throw Error(ErrorKind::unavailable,
                fmt::format("--from-cluster: no log yet from pod {} ({}): the bot has not run, its trips are unknown",
                            join(without_log, ", "), client.source()),
                "kubectl describe pod shows why it is not scheduled; triage again once it runs");
  }
  std::optional<triage::MaintenanceWindow> window;
  if (!options.maintenance) {
    window = cluster_maintenance(ctx);
  }
  bool maintenance = options.maintenance || (window && window->active == true);
  std::istringstream in(log.str());
  auto result = triage::triage_log(in, fmt::format("pods {}/{}", ns, join(pods, ",")), thresholds,
                                   {maintenance, options.recent_deploy});
  if (result.unreadable > 0) {
    ctx.log().warn(fmt::format("{} GuardTrip log line(s) could not be read, the first: {}", result.unreadable,
                               result.first_unreadable));
  }
  if (window) {
    ctx.log().info("maintenance: " + window->detail);
  }
  nlohmann::json context = {{"namespace", ns},
                            {"selector", options.pod.empty() ? nlohmann::json(selector) : nlohmann::json()},
                            {"since_seconds", *log_options.since_seconds},
                            {"pods", read},
                            {"pods_without_log", without_log},
                            {"maintenance", maintenance},
                            {"maintenance_detail", window ? nlohmann::json(window->detail) : nlohmann::json()},
                            {"first_unreadable", result.first_unreadable.empty()
                                                     ? nlohmann::json()
                                                     : nlohmann::json(result.first_unreadable)}};
  return finish_batch(options, ctx, format, thresholds, result, "triage.cluster",
                      fmt::format("pods:{}/{}", ns, options.pod.empty() ? selector : options.pod), context);
}

} // namespace credguard::cli
