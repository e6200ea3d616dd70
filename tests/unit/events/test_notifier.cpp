#include "support/fake_clock.hpp"
#include "support/http_server.hpp"

#include <credguard/core/error.hpp>
#include <credguard/core/time_format.hpp>
#include <credguard/events/notifier.hpp>

#include <catch2/catch.hpp>

using namespace credguard;
using namespace credguard::events;
using nlohmann::json;

namespace {

struct Sink {
  int status = 200;
  test::HttpServer server{[this](const test::HttpRequest&) { return test::HttpResponse::text(status, "ok"); }};
};

Notice notice()
{
  Notice n;
  n.event.id = "INC-1/model.revoked/m@7";
  n.event.source = "/credguard/host-1";
  n.event.type = "model.revoked";
  n.event.subject = "m@7";
  n.event.time = *parse_rfc3339("2026-11-23T08:00:00Z");
  n.event.data = {{"model", "m"}, {"version", "7"}};
  n.summary = "m@7 revoked";
  return n;
}

std::unique_ptr<http::Transport> transport(test::FakeClock& clock, NullLog& log)
{
  http::TransportOptions options;
  options.retry.max_attempts = 2;
  options.retry.random = [] { return 0.5; };
  return http::make_curl_transport(options, clock, log);
}

} // namespace

TEST_CASE("cloudevents: structured mode carries the required attributes")
{
  auto event = notice().event.to_json();
  CHECK(event["specversion"] == "1.0");
  CHECK(event["id"] == "INC-1/model.revoked/m@7");
  CHECK(event["source"] == "/credguard/host-1");
  CHECK(event["type"] == "model.revoked");
  CHECK(event["subject"] == "m@7");
  CHECK(event["time"] == "2026-11-23T08:00:00.000Z");
  CHECK(event["datacontenttype"] == "application/json");
  CHECK(event["data"]["version"] == "7");
}

TEST_CASE("events: webhook, Slack and PagerDuty each get their own format, a failing sink is reported")
{
  test::FakeClock clock;
  NullLog log;
  auto http = transport(clock, log);
  Sink hook;
  Sink slack;
  Sink pagerduty;
  pagerduty.status = 202;
  Sink broken;
  broken.status = 500;
  EventsOptions options;
  options.webhooks = {Webhook{"z9", hook.server.url() + "/e", Secret("hook-secret-1234")},
                      Webhook{"broken", broken.server.url() + "/e", std::nullopt}};
  options.slack_webhook = Secret(slack.server.url() + "/services/T/B/slack-secret-5678");
  options.pagerduty_routing_key = Secret("routing-secret-9abc");
  options.pagerduty_url = pagerduty.server.url() + "/v2/enqueue";
  CHECK(options.sink_names() == std::vector<std::string>{"z9", "broken", "slack", "pagerduty"});

  auto deliveries = deliver(*http, options, notice());
  REQUIRE(deliveries.size() == 4);
  CHECK(deliveries[0].ok);
  CHECK_FALSE(deliveries[1].ok);
  CHECK(deliveries[1].status == 500);
  CHECK(deliveries[1].attempts == 2); // retried: the event id makes a repeat safe
  CHECK(deliveries[1].error.find("HTTP 500") != std::string::npos);
  CHECK(deliveries[2].ok);
  CHECK(deliveries[3].ok);
  CHECK(deliveries[3].status == 202);
  for (const auto& d : deliveries) {
    auto text = d.to_json().dump();
    CHECK(text.find("secret") == std::string::npos);
  }

  auto to_hook = hook.server.requests().at(0);
  CHECK(to_hook.header("Content-Type") == "application/cloudevents+json; charset=utf-8");
  CHECK(to_hook.header("Authorization") == "Bearer hook-secret-1234");
  CHECK(json::parse(to_hook.body)["type"] == "model.revoked");
  auto to_slack = slack.server.requests().at(0);
  CHECK(to_slack.path == "/services/T/B/slack-secret-5678");
  CHECK(json::parse(to_slack.body) == json{{"text", "m@7 revoked"}});
  auto page = json::parse(pagerduty.server.requests().at(0).body);
  CHECK(page["routing_key"] == "routing-secret-9abc");
  CHECK(page["event_action"] == "trigger");
  CHECK(page["dedup_key"] == "INC-1/model.revoked/m@7");
  CHECK(page["payload"]["severity"] == "critical");
  CHECK(page["payload"]["source"] == "/credguard/host-1");
  CHECK(page["payload"]["summary"] == "m@7 revoked");

  // Only the named sinks.
  auto again = deliver(*http, options, notice(), {"broken"});
  CHECK(again.size() == 1);
  CHECK(hook.server.request_count() == 1);
}

TEST_CASE("events: configuration reads webhooks and secrets, and refuses a webhook without a URL")
{
  Redactor redactor;
  MapEnv env(std::map<std::string, std::string>{{"SLACK", "https://hooks.example/services/x-slack-fixture"}});
  auto config = Config::parse("events:\n  timeout: 3s\n  webhooks:\n    - {url: 'http://a/e'}\n"
                              "  slack_webhook: env:SLACK\n",
                              "c.yaml", env, redactor);
  auto options = events_options(config, "host-9");
  CHECK(options.source == "/credguard/host-9");
  CHECK(options.timeout == Millis(3000));
  CHECK(options.webhooks.at(0).name == "webhook-1");
  CHECK(options.slack_webhook->reveal() == "https://hooks.example/services/x-slack-fixture");
  CHECK(redactor.scrub("https://hooks.example/services/x-slack-fixture") == "***");
  CHECK_FALSE(options.empty());
  auto bad = Config::parse("events:\n  webhooks:\n    - {name: a}\n", "c.yaml", env, redactor);
  CHECK_THROWS_AS(events_options(bad, "h"), Error);
  CHECK(events_options(Config::parse("", "c.yaml", env, redactor), "h").empty());
}
