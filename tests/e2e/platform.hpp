#pragma once

#include "binary.hpp"
#include "fakes/mlflow.hpp"
#include "fakes/serving.hpp"
#include "support/varnish.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <memory>
#include <mutex>

namespace credguard::test {

// The secrets a platform config uses: none may appear in any output.
inline const std::vector<std::string>& fixture_secrets()
{
  static const std::vector<std::string> k_secrets = {"mlflow-token-fixture-3c9d", "gateway-token-fixture-8e7f",
                                                     "slack-secret-fixture-4b5a", "pd-routing-fixture-6d7e",
                                                     "hook-token-fixture-2f1e"};
  return k_secrets;
}

// An origin that counts requests, and a real Varnish in front of it,
// started once per test binary.
struct Edge {
  std::atomic<int> hits{0};
  HttpServer origin{[this](const HttpRequest&) {
    ++hits;
    auto response = HttpResponse::json(200, R"({"score":0.42})");
    response.headers.emplace_back("Cache-Control", "max-age=3600");
    return response;
  }};
  Varnish varnish{origin.port()};

  static Edge& shared()
  {
    static Edge edge;
    return edge;
  }
};

// Records what a webhook receiver got.
struct Receiver {
  int status = 200;
  std::string answer = "ok";
  HttpServer server{[this](const HttpRequest&) { return HttpResponse::text(status, answer); }};
};

// The platform a revocation acts on: MLflow, the gateway (purge and
// denylist), TorchServe, Triton, a real Varnish, a CloudEvents webhook,
// Slack and PagerDuty, plus the built binary with a private HOME.
struct Platform {
  Binary credguard;
  FakeMlflow mlflow;
  FakeGateway gateway;
  FakeTorchServe torchserve;
  FakeTriton triton;
  Receiver webhook;
  Receiver slack;
  Receiver pagerduty;
  std::string cdn_path;

  explicit Platform(const std::string& model = "credit-score")
  {
    static std::atomic<int> counter{0};
    // A path of its own in the shared Varnish, so tests do not see each other's cache.
    cdn_path = "/t" + std::to_string(++counter) + "/v1/models/{model}/versions/{version}";
    mlflow.require_token("mlflow-token-fixture-3c9d");
    gateway.require_token("gateway-token-fixture-8e7f");
    pagerduty.status = 202;
    pagerduty.answer = R"({"status":"success","message":"Event processed","dedup_key":"x"})";
    for (int v = 4; v <= 7; ++v) {
      mlflow.add_version(
          model, v,
          v == 7 ? std::map<std::string, std::string>{}
                 : std::map<std::string, std::string>{{"credguard.state", v == 5 ? "Quarantined" : "Approved"}});
      torchserve.add(model, std::to_string(v));
    }
    mlflow.set_alias(model, "production", 7);
    triton.load(model, "7");
    credguard.env["FIXTURE_MLFLOW_TOKEN"] = "mlflow-token-fixture-3c9d";
    credguard.env["FIXTURE_SLACK_URL"] = slack.server.url() + "/services/T0/B0/slack-secret-fixture-4b5a";
    credguard.env["FIXTURE_HOOK_TOKEN"] = "hook-token-fixture-2f1e";
    credguard.home.write("pd-key", "pd-routing-fixture-6d7e\n");
  }

  // Warms the CDN path so a purge has something to remove.
  void warm_cdn(const std::string& model, const std::string& version)
  {
    std::string path = cdn_path;
    path.replace(path.find("{model}"), 7, model);
    path.replace(path.find("{version}"), 9, version);
    for (int i = 0; i < 2; ++i) {
      run_process({"/usr/bin/curl", "-s", "-o", "/dev/null", Edge::shared().varnish.url() + path}, base_env());
    }
  }

  std::string config(const std::string& extra = "") const
  {
    std::string gw = gateway.url();
    return "registry:\n  url: " + mlflow.url() + "\n  token: env:FIXTURE_MLFLOW_TOKEN\n" + "http:\n  retries: 1\n" +
           "events:\n  source: /credguard/test\n  timeout: 2s\n  webhooks:\n"
           "    - {name: z9, url: '" +
           webhook.server.url() +
           "/events', token: env:FIXTURE_HOOK_TOKEN}\n"
           "  slack_webhook: env:FIXTURE_SLACK_URL\n"
           "  pagerduty_routing_key: file:" +
           (credguard.home / "pd-key").string() +
           "\n"
           "  pagerduty_url: " +
           pagerduty.server.url() + "/v2/enqueue\n" +
           "purge:\n  timeout: 1s\n  gateway:\n"
           "    - {name: gw, url: '" +
           gw +
           "/admin/purge?model={model}&version={version}', token: gateway-token-fixture-8e7f}\n"
           "  torchserve:\n    - {name: ts, url: '" +
           torchserve.url() +
           "'}\n"
           "  triton:\n    - {name: triton, url: '" +
           triton.url() +
           "'}\n"
           "  cdn:\n    - {name: edge, url: '" +
           Edge::shared().varnish.url() + "', paths: ['" + cdn_path + "']}\n" + "serving:\n  denylist_url: '" + gw +
           "/admin/denylist/{model}/{version}'\n"
           "  denylist_token: gateway-token-fixture-8e7f\n" +
           extra;
  }

  std::filesystem::path write_config(const std::string& extra = "") const
  {
    return credguard.home.write("config.yaml", config(extra));
  }

  ProcessResult run(std::vector<std::string> args) const
  {
    args.insert(args.begin(), {"--config", (credguard.home / "config.yaml").string()});
    return credguard.run(args);
  }

  // The journal entries of an incident as JSON lines.
  std::vector<nlohmann::json> journal(const std::string& incident) const
  {
    auto exported = credguard.run({"journal", "export", "--incident", incident});
    std::vector<nlohmann::json> entries;
    std::istringstream lines(exported.out);
    for (std::string line; std::getline(lines, line);) {
      if (!line.empty()) {
        entries.push_back(nlohmann::json::parse(line));
      }
    }
    return entries;
  }

  // "action outcome" of each entry, in order.
  std::vector<std::string> trail(const std::string& incident) const
  {
    std::vector<std::string> out;
    for (const auto& entry : journal(incident)) {
      out.push_back(entry["action"].get<std::string>() + " " + entry["outcome"].get<std::string>());
    }
    return out;
  }

  // The journal's bytes, WAL included.
  std::string journal_bytes() const
  {
    std::string bytes;
    for (const char* suffix : {"", "-wal"}) {
      auto path = credguard.home / "state" / (std::string("journal.db") + suffix);
      if (std::filesystem::exists(path)) {
        bytes += slurp(path);
      }
    }
    return bytes;
  }
};

} // namespace credguard::test
