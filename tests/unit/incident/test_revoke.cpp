#include "fakes/mlflow.hpp"
#include "fakes/serving.hpp"
#include "support/fake_clock.hpp"
#include "support/temp_dir.hpp"

#include <credguard/core/error.hpp>
#include <credguard/incident/common_steps.hpp>
#include <credguard/incident/revoke.hpp>
#include <credguard/incident/revoke_steps.hpp>
#include <credguard/registry/mlflow_client.hpp>

#include <catch2/catch.hpp>

using namespace credguard;
using namespace credguard::incident;
using nlohmann::json;

namespace {

struct Fixture {
  test::FakeMlflow mlflow;
  test::FakeClock clock;
  NullLog log;
  std::unique_ptr<http::Transport> http = http::make_curl_transport({}, clock, log);
  registry::MlflowClient registry{registry::MlflowOptions{mlflow.url(), std::nullopt, "", std::nullopt, "t"}, *http};
  Services services{registry, *http, clock, {}, {}, {}, nullptr};

  RevokeRequest request(const std::string& version = "7")
  {
    return RevokeRequest{"m", version, "INC-1", "drift", false, "", "alice", false, false};
  }
  StepResult run(const Step& step, std::vector<journal::Entry> history = {})
  {
    StepContext context;
    context.history = std::move(history);
    context.t0 = clock.now();
    return step.run(context);
  }
};

ErrorKind kind_of(const std::function<void()>& call)
{
  try {
    call();
  } catch (const Error& e) {
    return e.kind();
  }
  FAIL("no error");
  return ErrorKind::internal;
}

journal::Entry started(const json& intent)
{
  journal::Entry entry;
  entry.what.outcome = "started";
  entry.what.evidence = {{"intent", intent}};
  return entry;
}

} // namespace

TEST_CASE("revoke: inspect finds the newest Approved version below, by number, and refuses bad targets")
{
  Fixture f;
  for (int v = 1; v <= 12; ++v) {
    f.mlflow.add_version("m", v,
                         v == 9 || v == 10 ? std::map<std::string, std::string>{{"credguard.state", "Approved"}}
                                           : std::map<std::string, std::string>{});
  }
  f.mlflow.add_version("m", 13, {{"credguard.state", "Quarantined"}});
  f.mlflow.set_alias("m", "production", 12);
  auto state = inspect_revoke(f.services, f.request("12"));
  CHECK(state.production == "12");
  CHECK(state.replacement == "10"); // not "9", which sorts after "10" as text
  CHECK(state.replacement_why == "newest Approved below 12");

  CHECK(kind_of([&] { inspect_revoke(f.services, f.request("99")); }) == ErrorKind::data);
  auto unknown = f.request();
  unknown.model = "nope";
  CHECK(kind_of([&] { inspect_revoke(f.services, unknown); }) == ErrorKind::data);
  auto to_quarantined = f.request("12");
  to_quarantined.to = "13";
  CHECK(kind_of([&] { inspect_revoke(f.services, to_quarantined); }) == ErrorKind::data);
  auto to_itself = f.request("12");
  to_itself.to = "12";
  CHECK(kind_of([&] { inspect_revoke(f.services, to_itself); }) == ErrorKind::data);
  auto planned = f.request("9");
  planned.planned = true;
  f.mlflow.set_alias("m", "production", 9);
  CHECK(kind_of([&] { inspect_revoke(f.services, planned); }) == ErrorKind::conflict);
  planned.to = "10";
  CHECK(inspect_revoke(f.services, planned).replacement == "10");
  // Nothing was written while inspecting.
  CHECK(f.mlflow.count("POST", "model-versions/set-tag") == 0);
}

TEST_CASE("revoke: mark writes only the missing tags, state first, Revoked elsewhere is left alone")
{
  Fixture f;
  f.mlflow.add_version("m", 7, {{"credguard.state", "Revoked"}, {"credguard.reason", "drift"}});
  auto request = f.request();
  auto state = inspect_revoke(f.services, request);
  auto result = f.run(mark_step(f.services, request, state));
  CHECK(result.outcome == Outcome::ok);
  CHECK(result.evidence["tags_written"] == json::array({"credguard.incident", "credguard.revoked_at"}));
  CHECK(f.mlflow.tags("m", 7).at("credguard.incident") == "INC-1");
  auto again = f.run(mark_step(f.services, request, state));
  CHECK(again.evidence["tags_written"].empty());
  CHECK_FALSE(again.acted);
  CHECK(again.summary.starts_with("in place (checked now)"));

  // Someone set the state back: the next run writes it again, and says so.
  f.mlflow.add_version("m", 7,
                       {{"credguard.state", "Approved"},
                        {"credguard.reason", "drift"},
                        {"credguard.incident", "INC-1"},
                        {"credguard.revoked_at", "2026-01-01T00:00:00Z"}});
  auto repaired = f.run(mark_step(f.services, request, state));
  CHECK(repaired.acted);
  CHECK(repaired.evidence["tags_written"] == json::array({"credguard.state"}));
  CHECK(repaired.summary.find("the registry said Approved") != std::string::npos);
  CHECK(f.mlflow.tags("m", 7).at("credguard.state") == "Revoked");

  // A write whose answer is lost (applied, then 502) is judged by the read-back.
  f.mlflow.add_version("m", 9, {{"credguard.state", "Approved"}});
  f.mlflow.lose_answers("POST", "model-versions/set-tag", test::FakeMlflow::Lost::bad_gateway, 8);
  auto nine = f.request("9");
  auto lost = f.run(mark_step(f.services, nine, inspect_revoke(f.services, nine)));
  CHECK(lost.outcome == Outcome::ok);
  CHECK_FALSE(lost.evidence["answers_lost"].empty());
  CHECK(f.mlflow.tags("m", 9).at("credguard.state") == "Revoked");

  f.mlflow.add_version("m", 8, {{"credguard.state", "Revoked"}, {"credguard.incident", "INC-0"}});
  auto other = f.request("8");
  auto skipped = f.run(mark_step(f.services, other, inspect_revoke(f.services, other)));
  CHECK(skipped.outcome == Outcome::skipped);
  CHECK(skipped.evidence["revoked_by"] == "INC-0");
  CHECK(f.mlflow.tags("m", 8).at("credguard.incident") == "INC-0");
}

TEST_CASE("revoke: the alias step moves production, records old and new, and recognises its own earlier change")
{
  Fixture f;
  f.mlflow.add_version("m", 6, {{"credguard.state", "Approved"}});
  f.mlflow.add_version("m", 7);
  f.mlflow.set_alias("m", "production", 7);
  auto request = f.request();
  auto state = inspect_revoke(f.services, request);
  auto step = alias_step(f.services, request, state);
  CHECK(step.intent == json{{"alias", "production"}, {"old", "7"}, {"new", "6"}});
  auto result = f.run(step);
  CHECK(result.outcome == Outcome::ok);
  CHECK(result.evidence == json{{"alias", "production"}, {"old", "7"}, {"new", "6"}});
  CHECK(f.mlflow.alias("m", "production") == "6");

  // A rerun after a crash mid-step: production already moved by us.
  auto resumed = f.run(step, {started(step.intent)});
  CHECK(resumed.outcome == Outcome::ok);
  CHECK(resumed.summary.find("in place (checked now)") != std::string::npos);
  CHECK(f.mlflow.count("POST", "registered-models/alias") == 1);
  // Without that history, production pointing elsewhere is nothing to do.
  CHECK(f.run(step).outcome == Outcome::skipped);

  // Someone points production back at 7: the rerun moves it again.
  f.mlflow.set_alias("m", "production", 7);
  journal::Entry done;
  done.what.outcome = "ok";
  done.what.evidence = result.evidence;
  auto repaired = f.run(step, {started(step.intent), done});
  CHECK(repaired.outcome == Outcome::ok);
  CHECK(repaired.acted);
  CHECK(repaired.summary == "production had moved back to 7; production 7 -> 6");
  CHECK(f.mlflow.alias("m", "production") == "6");
}

TEST_CASE("revoke: an alias write whose answer is lost is read back, never reported as not moved")
{
  for (auto how : {test::FakeMlflow::Lost::bad_gateway, test::FakeMlflow::Lost::dropped}) {
    Fixture f;
    f.mlflow.add_version("m", 6, {{"credguard.state", "Approved"}});
    f.mlflow.add_version("m", 7);
    f.mlflow.set_alias("m", "production", 7);
    // Every attempt (the client retries) is applied and its answer lost.
    f.mlflow.lose_answers("POST", "registered-models/alias", how, 8);
    auto request = f.request();
    auto result = f.run(alias_step(f.services, request, inspect_revoke(f.services, request)));
    INFO(result.summary);
    CHECK(result.outcome == Outcome::ok);
    CHECK(result.evidence.contains("answer_lost"));
    CHECK(result.summary.find("read back") != std::string::npos);
    CHECK(f.mlflow.alias("m", "production") == "6");
  }
}

TEST_CASE("revoke: without sinks, denylist, caches or Kubernetes the steps say which keys enable them")
{
  Fixture f;
  f.mlflow.add_version("m", 7);
  auto request = f.request();
  auto plan = revoke_plan(f.services, request, inspect_revoke(f.services, request));
  REQUIRE(plan.steps.size() == 7);
  CHECK(plan.steps.back().name == "proof");
  std::map<std::string, StepResult> results;
  for (const auto& step : plan.steps) {
    results[step.name] = f.run(step);
  }
  CHECK(results["events"].outcome == Outcome::skipped);
  CHECK(results["events"].summary.find("events.webhooks") != std::string::npos);
  CHECK(results["denylist"].summary.find("serving.denylist_url") != std::string::npos);
  CHECK(results["purge"].summary.find("purge.gateway") != std::string::npos);
  CHECK(results["freeze"].outcome == Outcome::skipped);
  CHECK(results["freeze"].evidence.contains("t0"));
  CHECK(results["alias"].outcome == Outcome::skipped);
}

TEST_CASE("steps: the denylist reports an entry already present, and a gateway failure")
{
  Fixture f;
  test::FakeGateway gateway;
  ServingOptions serving;
  serving.denylist_url = gateway.url() + "/admin/denylist/{model}/{version}";
  DenylistEntry entry{"m", "7", "INC-1", "drift", f.clock.now()};
  auto first = f.run(denylist_step(*f.http, serving, nullptr, f.clock, entry));
  CHECK(first.outcome == Outcome::ok);
  CHECK(gateway.denylisted("m", "7"));
  CHECK(json::parse(gateway.server().requests().at(1).body)["incident"] == "INC-1");
  auto second = f.run(denylist_step(*f.http, serving, nullptr, f.clock, entry));
  CHECK(second.summary == "in place (checked now): every denylist holds it");
  CHECK_FALSE(second.acted);
  CHECK(gateway.count("PUT", "/admin/denylist") == 1);

  gateway.require_token("needed");
  auto refused = f.run(denylist_step(*f.http, serving, nullptr, f.clock, DenylistEntry{"m", "8", "I", "r", {}}));
  CHECK(refused.outcome == Outcome::failed);
  CHECK(refused.summary.find("HTTP 401") != std::string::npos);
}

TEST_CASE("steps: a rerun of the events step sends only to the sinks that failed before")
{
  Fixture f;
  std::atomic<int> good_hits{0};
  test::HttpServer good([&](const test::HttpRequest&) {
    ++good_hits;
    return test::HttpResponse::text(200, "ok");
  });
  test::HttpServer bad([](const test::HttpRequest&) { return test::HttpResponse::text(503, "down"); });
  events::EventsOptions options;
  options.webhooks = {events::Webhook{"good", good.url(), std::nullopt},
                      events::Webhook{"bad", bad.url(), std::nullopt}};
  ServingOptions serving;
  events::Notice notice;
  notice.event.id = "INC-1/model.revoked/m@7";
  notice.event.type = "model.revoked";
  auto step = notify_step(*f.http, options, serving, nullptr, notice, ClusterEvent{});
  auto first = f.run(step);
  CHECK(first.outcome == Outcome::failed);
  CHECK(first.summary.find("bad") != std::string::npos);
  journal::Entry failed;
  failed.what.outcome = "failed";
  failed.what.evidence = first.evidence;
  auto second = f.run(step, {failed});
  CHECK(good_hits == 1);
  CHECK(second.outcome == Outcome::failed);
  CHECK(second.evidence["sent_before"] == json::array({"good"}));
}
