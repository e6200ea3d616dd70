#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/core/time_format.hpp>
#include <credguard/events/notifier.hpp>

#include <fmt/format.h>

namespace credguard::events {

namespace {

using nlohmann::json;

json slack_body(const Notice& notice)
{
  return json{{"text", notice.summary}};
}

// PagerDuty Events API v2 trigger. The routing key is in the body, so the
// body is never logged or journaled.
json pagerduty_body(const Notice& notice, const Secret& routing_key)
{
  const auto& event = notice.event;
  return json{{"routing_key", routing_key.reveal()},
              {"event_action", "trigger"},
              {"dedup_key", notice.dedup_key.empty() ? event.id : notice.dedup_key},
              {"payload",
               {{"summary", notice.summary.substr(0, 1024)},
                {"source", event.source},
                {"severity", notice.severity},
                {"timestamp", format_rfc3339(event.time)},
                {"component", event.subject},
                {"class", event.type},
                {"custom_details", event.data}}}};
}

std::string failure_line(const http::Response& response)
{
  if (!response.transport_ok()) {
    return response.error_message;
  }
  std::string body(trim(response.body.substr(0, 200)));
  for (char& c : body) {
    if (c == '\n' || c == '\r') {
      c = ' ';
    }
  }
  return body.empty() ? fmt::format("HTTP {}", response.status) : fmt::format("HTTP {}: {}", response.status, body);
}

} // namespace

std::vector<std::string> EventsOptions::sink_names() const
{
  std::vector<std::string> names;
  for (const auto& webhook : webhooks) {
    names.push_back(webhook.name);
  }
  if (slack_webhook) {
    names.emplace_back("slack");
  }
  if (pagerduty_routing_key) {
    names.emplace_back("pagerduty");
  }
  return names;
}

EventsOptions events_options(const Config& config, const std::string& host)
{
  EventsOptions options;
  options.source = config.get_string("events.source").value_or("/credguard/" + host);
  options.timeout = config.get_duration("events.timeout").value_or(options.timeout);
  options.pagerduty_url = config.get_string("events.pagerduty_url").value_or(options.pagerduty_url);
  std::set<std::string> names;
  int index = 0;
  for (const auto& view : config.get_objects("events.webhooks")) {
    ++index;
    Webhook webhook;
    webhook.url = view.get_string("url").value_or("");
    webhook.name = view.get_string("name").value_or(fmt::format("webhook-{}", index));
    if (webhook.url.empty()) {
      throw Error(ErrorKind::config,
                  fmt::format("{}: events.webhooks[{}]: url is required", config.origin("events.webhooks"), index));
    }
    if (!names.insert(webhook.name).second || webhook.name == "slack" || webhook.name == "pagerduty") {
      throw Error(ErrorKind::config, fmt::format("{}: events.webhooks[{}]: the name \"{}\" is used twice",
                                                 config.origin("events.webhooks"), index, webhook.name));
    }
    webhook.token = view.get_secret("token");
    options.webhooks.push_back(std::move(webhook));
  }
  options.slack_webhook = config.get_secret("events.slack_webhook");
  options.pagerduty_routing_key = config.get_secret("events.pagerduty_routing_key");
  return options;
}

json Delivery::to_json() const
{
  json out{{"sink", sink}, {"kind", kind}, {"ok", ok}, {"status", status}, {"ms", ms}, {"attempts", attempts}};
  if (!error.empty()) {
    out["error"] = error;
  }
  return out;
}

std::vector<Delivery> deliver(http::Transport& transport, const EventsOptions& options, const Notice& notice,
                              const std::set<std::string>& only)
{
  std::vector<http::Request> requests;
  std::vector<Delivery> deliveries;
  auto wanted = [&](const std::string& name) { return only.empty() || only.contains(name); };
  auto add = [&](std::string sink, std::string kind, http::Request request) {
    request.timeout = options.timeout;
    // Each event carries an id (PagerDuty: a dedup key) that receivers
    // deduplicate on, so a POST may be retried.
    request.idempotent = true;
    requests.push_back(std::move(request));
    Delivery delivery;
    delivery.sink = std::move(sink);
    delivery.kind = std::move(kind);
    deliveries.push_back(std::move(delivery));
  };
  for (const auto& webhook : options.webhooks) {
    if (!wanted(webhook.name)) {
      continue;
    }
    http::Request request;
    request.method = "POST";
    request.url = webhook.url;
    request.header("Content-Type", k_cloudevents_content_type);
    if (webhook.token) {
      request.header("Authorization", "Bearer " + webhook.token->reveal());
    }
    request.body = notice.event.to_json().dump();
    add(webhook.name, "cloudevents", std::move(request));
  }
  if (options.slack_webhook && wanted("slack")) {
    http::Request request;
    request.method = "POST";
    request.url = options.slack_webhook->reveal();
    request.header("Content-Type", "application/json");
    request.body = slack_body(notice).dump();
    add("slack", "slack", std::move(request));
  }
  if (options.pagerduty_routing_key && wanted("pagerduty")) {
    http::Request request;
    request.method = "POST";
    request.url = options.pagerduty_url;
    request.header("Content-Type", "application/json");
    request.body = pagerduty_body(notice, *options.pagerduty_routing_key).dump();
    add("pagerduty", "pagerduty", std::move(request));
  }
  if (requests.empty()) {
    return deliveries;
  }
  auto responses = transport.perform_all(requests, http::FanOutOptions{});
  for (std::size_t i = 0; i < responses.size(); ++i) {
    const auto& response = responses[i];
    auto& delivery = deliveries[i];
    delivery.ok = response.ok();
    delivery.status = response.status;
    delivery.ms = response.elapsed.count();
    delivery.attempts = response.attempts;
    if (!delivery.ok) {
      delivery.error = failure_line(response);
    }
  }
  return deliveries;
}

} // namespace credguard::events
