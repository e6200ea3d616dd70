#include "cli/verb.hpp"
#include "cmd/checklist/handover.hpp"
#include "cmd/commands.hpp"
#include "harness.hpp"

#include <credguard/journal/journal.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <map>
#include <set>

using namespace credguard;
using namespace credguard::test;

namespace {

std::string warn_runbook(CliHarness& h)
{
  return h.home
      .write("rb.yaml", "name: custom\nchecks:\n"
                        "  - {id: mem, title: Memory, kind: memory, tags: [host], threshold: {warn: 0, crit: 101}}\n"
                        "  - {id: off, title: Off, kind: log_patterns, params: {path: '${logs.backend}', "
                        "patterns: [x]}}\n")
      .string();
}

std::size_t count_files(const std::filesystem::path& dir)
{
  return static_cast<std::size_t>(
      std::distance(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator()));
}

} // namespace

TEST_CASE("checklist parse: --textfile, and handover's --since and --lookback")
{
  CliHarness h;
  cli::Context ctx(Io{h.out, h.err, h.in, false, false, false, false}, h.clock, h.env);
  auto app = std::make_unique<CLI::App>("t");
  cli::ChecklistOptions seen;
  cli::add_checklist_verb(*app, ctx, "daily", "d", [&](const cli::ChecklistOptions& o, cli::Context&) {
    seen = o;
    return 0;
  });
  app->parse(std::vector<std::string>{"/var/lib/node_exporter", "--textfile", "daily"});
  REQUIRE(ctx.action);
  ctx.action();
  CHECK(seen.textfile_dir == "/var/lib/node_exporter");

  auto handover_app = std::make_unique<CLI::App>("t");
  cli::HandoverOptions handover;
  cli::add_checklist_handover(*handover_app, ctx, [&](const cli::HandoverOptions& o, cli::Context&) {
    handover = o;
    return 0;
  });
  handover_app->parse(std::vector<std::string>{"7d", "--lookback", "8h", "--since", "handover"});
  ctx.action();
  CHECK(handover.since == "8h");
  CHECK(handover.lookback == "7d");
}

TEST_CASE("checklist --output junit prints JUnit XML and the exit code still follows the worst result")
{
  CliHarness h;
  auto runbook = warn_runbook(h);
  CHECK(h.run({"--output", "junit", "checklist", "daily", "--runbook", runbook}) == 1);
  auto xml = h.out.str();
  CHECK(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 0) == 0);
  CHECK(xml.find(R"(<testcase classname="credguard.custom.host" name="mem")") != std::string::npos);
  CHECK(xml.find(R"(type="WARN")") != std::string::npos);
  CHECK(xml.find("<skipped message=\"not configured: set logs.backend") != std::string::npos);

  CHECK(h.run({"--output", "junit", "journal", "list"}) == 64); // only checklists speak JUnit
}

TEST_CASE("checklist --textfile writes the metrics file atomically and the default comes from the config")
{
  CliHarness h;
  auto runbook = warn_runbook(h);
  auto dir = h.home / "textfile";
  CHECK(h.run({"checklist", "daily", "--runbook", runbook, "--textfile", dir.string()}) == 1);
  auto metrics = slurp(dir / "credguard_checklist_custom.prom");
  CHECK(metrics.find("credguard_check_status{checklist=\"custom\",check=\"mem\"} 1\n") != std::string::npos);
  CHECK(metrics.find("credguard_check_status{checklist=\"custom\",check=\"off\"} 0\n") != std::string::npos);
  CHECK(metrics.find("credguard_checklist_last_run_timestamp_seconds{checklist=\"custom\"} 1795420800.000\n") !=
        std::string::npos);
  CHECK(count_files(dir) == 1); // no temporary file left behind

  auto configured = h.home / "from-config";
  h.env.set("CREDGUARD_CHECKLIST_TEXTFILE_DIR", configured.string());
  CHECK(h.run({"checklist", "daily", "--runbook", runbook}) == 1);
  CHECK(std::filesystem::exists(configured / "credguard_checklist_custom.prom"));
}

TEST_CASE("checklist --textfile into something that is not a directory fails with one line and exit 74")
{
  CliHarness h;
  auto runbook = warn_runbook(h);
  auto blocker = h.home.write("blocker", "a file");
  CHECK(h.run({"checklist", "daily", "--runbook", runbook, "--textfile", blocker.string()}) == 74);
  CHECK(h.out.str().find("mem") != std::string::npos); // the results were still shown
  auto err = h.err.str();
  CHECK(err.find("credguard: error: cannot write " + blocker.string() + "/credguard_checklist_custom.prom") == 0);
  CHECK(std::count(err.begin(), err.end(), '\n') == 1);
  CHECK(slurp(blocker) == "a file");
}

TEST_CASE("checklist handover: last checklist results, open incidents and pending steps from the journal")
{
  CliHarness h;
  auto runbook = warn_runbook(h);
  CHECK(h.run({"checklist", "daily", "--runbook", runbook}) == 1);
  {
    journal::Journal journal(h.home / "journal.db", journal::Journal::Mode::read_write, h.clock,
                             journal::Identity{"ana", "ana", "", "ops1"});
    auto step = [&](const std::string& incident, const std::string& action, const std::string& outcome) {
      journal.append(journal::EntryDraft{"credguard revoke", incident, action, "fa_12_v2@7", outcome, "", {}});
    };
    step("INC-20261123-001", "revoke.mark", "started");
    step("INC-20261123-001", "revoke.mark", "ok");
    step("INC-20261123-001", "revoke.purge", "started");
    step("INC-20261122-009", "quarantine.copy", "failed");
  }
  h.clock.advance(Millis(3'600'000));
  CHECK(h.run({"--output", "json", "checklist", "handover"}) == 0);
  auto report = nlohmann::json::parse(h.out.str());
  REQUIRE(report["checklists"].size() == 1);
  CHECK(report["checklists"][0]["checklist"] == "custom");
  CHECK(report["checklists"][0]["outcome"] == "warn");
  CHECK(report["checklists"][0]["problems"][0]["id"] == "mem");
  CHECK(report["open_incidents"] == 2);
  REQUIRE(report["pending_steps"].size() == 2);
  CHECK(report["pending_steps"][0]["action"] == "revoke.purge");
  CHECK(report["pending_steps"][1]["state"] == "failed");

  CHECK(h.run({"checklist", "handover"}) == 0);
  auto table = h.out.str();
  CHECK(table.find("Open incidents: 2") != std::string::npos);
  CHECK(table.find("INC-20261123-001  revoke.purge     fa_12_v2@7  started") != std::string::npos);
  CHECK(table.find("Not passing in the last custom run") != std::string::npos);
  CHECK(table.find("This shift: 6 journal entries: checklist.custom x1, checklist.handover x1, quarantine.copy x1, "
                   "revoke.mark x2, revoke.purge x1\n") != std::string::npos);

  CHECK(h.run({"--output", "json", "journal", "list", "--action", "checklist.handover"}) == 0);
  auto entries = nlohmann::json::parse(h.out.str())["entries"];
  REQUIRE(entries.size() == 2);
  CHECK(entries[1]["evidence"]["open_incidents"].size() == 2);

  CHECK(h.run({"checklist", "handover", "--since", "yesterday"}) == 64);
  CHECK(h.err.str().find("--since") != std::string::npos);
}

TEST_CASE("checklist daily without configuration: the runbook's checks are all there, remote ones SKIP naming the key")
{
  CliHarness h;
  CHECK(h.run({"--output", "json", "checklist", "daily", "--skip", "resources"}) == 0);
  auto report = nlohmann::json::parse(h.out.str());
  // The operations runbook's section 2, and the key each remote check needs.
  const std::map<std::string, std::string> needs = {
      {"services", "services.units"},
      {"processes", "services.processes"},
      {"backend-log", "logs.backend"},
      {"mysql-log", "logs.mysql_error"},
      {"nginx-log", "logs.nginx_error"},
      {"api-latency", "prometheus.url"},
      {"http-error-rate", "prometheus.url"},
      {"db-connections", "mysql.host"},
      {"batch-throughput", "mysql.host"},
      {"stuck-jobs", "mysql.host"},
      {"failed-jobs", "mysql.host"},
      {"bureau-cache", "mysql.host"},
      {"backup", "backup.dir"},
      {"failed-logins", "logs.auth"},
      {"auth-bursts", "logs.access"},
      {"health", "health.endpoints"},
      {"tls", "tls.hosts"},
      {"k8s-nodes", "$KUBECONFIG"},
      {"k8s-deployments", "$KUBECONFIG"},
      {"k8s-crashloop", "$KUBECONFIG"},
      {"k8s-events", "$KUBECONFIG"},
      {"drift", "drift.baseline"},
  };
  std::set<std::string> seen;
  for (const auto& check : report["checks"]) {
    auto id = check["id"].get<std::string>();
    seen.insert(id);
    INFO(id << ": " << check.dump());
    REQUIRE(needs.count(id) == 1);
    CHECK(check["status"] == "SKIP");
    CHECK(check["detail"].get<std::string>().find(needs.at(id)) != std::string::npos);
  }
  CHECK(seen.size() == needs.size());
}
