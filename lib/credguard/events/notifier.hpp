#pragma once

#include <credguard/core/config.hpp>
#include <credguard/core/secret.hpp>
#include <credguard/events/cloud_event.hpp>
#include <credguard/http/transport.hpp>

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace credguard::events {

// A CloudEvents receiver.
struct Webhook {
  std::string name;
  std::string url;
  std::optional<Secret> token; // sent as a Bearer token
};

// Where events go: the events.* configuration.
struct EventsOptions {
  std::vector<Webhook> webhooks;
  std::optional<Secret> slack_webhook; // the incoming-webhook URL carries its own secret
  std::optional<Secret> pagerduty_routing_key;
  std::string pagerduty_url = "https://events.pagerduty.com/v2/enqueue";
  std::string source; // CloudEvents source; default /credguard/<host>
  Millis timeout{5000};

  bool empty() const { return webhooks.empty() && !slack_webhook && !pagerduty_routing_key; }
  // Every sink's name: the webhooks' names, then "slack" and "pagerduty" when configured.
  std::vector<std::string> sink_names() const;
};

// Reads the events section. Throws Error(config) naming the key for a
// webhook without a URL, a duplicate name or an unresolvable secret.
EventsOptions events_options(const Config& config, const std::string& host);

// What happened, said three ways: the CloudEvent for webhooks, one line for
// Slack and PagerDuty, and PagerDuty's severity and dedup key.
struct Notice {
  CloudEvent event;
  std::string summary;               // one line a person reads
  std::string severity = "critical"; // PagerDuty: critical, error, warning, info
  std::string dedup_key;             // PagerDuty; default: the event id
};

// The outcome of sending to one sink. Never holds a secret.
struct Delivery {
  std::string sink; // webhook name, "slack" or "pagerduty"
  std::string kind; // cloudevents, slack, pagerduty
  bool ok = false;
  long status = 0;
  std::string error; // why it failed, one line
  long long ms = 0;
  int attempts = 0;

  nlohmann::json to_json() const;
};

// Sends `notice` to every configured sink whose name is in `only` (every
// sink when `only` is empty), concurrently, each with the transport's
// retries. A sink that fails is reported in its Delivery, never thrown.
std::vector<Delivery> deliver(http::Transport& transport, const EventsOptions& options, const Notice& notice,
                              const std::set<std::string>& only = {});

} // namespace credguard::events
