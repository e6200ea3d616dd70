#include "support/fake_clock.hpp"
#include "support/temp_dir.hpp"

#include <credguard/checks/engine.hpp>
#include <credguard/checks/process_kinds.hpp>
#include <credguard/core/error.hpp>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <sys/stat.h>

using namespace credguard;
using namespace credguard::checks;

namespace {

const MapEnv g_env; // outlives every Config that refers to it

class NoClients final : public Clients {
public:
  http::Transport& http() override { throw Error(ErrorKind::internal, "no transport in this test"); }
};

struct Host {
  test::TempDir dir;
  test::FakeClock clock;
  NullLog log;
  Redactor redactor;
  NoClients clients;
  std::unique_ptr<Config> config = std::make_unique<Config>(Config::parse("", "cfg.yaml", g_env, redactor));

  std::vector<CheckResult> run(const std::string& check, KindRegistry kinds = builtin_kinds(),
                               const std::filesystem::path& proc = "/proc")
  {
    auto runbook = parse_runbook("name: t\nchecks:\n  - " + check + "\n", "rb.yaml", *config, Millis(10'000));
    validate_runbook(runbook, kinds);
    return run_runbook(runbook, kinds, EngineContext{*config, clock, log, clients, proc}, {}).report.results;
  }

  KindRegistry systemd_at(const std::filesystem::path& run_dir, const std::string& systemctl)
  {
    KindRegistry kinds;
    kinds.add(make_systemd_kind(run_dir, systemctl));
    return kinds;
  }
};

// What `systemctl show -p LoadState -p ActiveState -p SubState` prints for
// a running unit, a failed one and an unknown one (recorded on Debian 12).
constexpr const char* k_show_output = "LoadState=loaded\nActiveState=active\nSubState=running\n\n"
                                      "LoadState=loaded\nActiveState=failed\nSubState=failed\n\n"
                                      "LoadState=not-found\nActiveState=inactive\nSubState=dead\n";

} // namespace

TEST_CASE("systemctl show output is read block by block")
{
  auto blocks = parse_systemctl_show(k_show_output);
  REQUIRE(blocks.size() == 3);
  CHECK(blocks[0]["SubState"] == "running");
  CHECK(blocks[1]["ActiveState"] == "failed");
  CHECK(blocks[2]["LoadState"] == "not-found");
}

TEST_CASE("systemd: SKIP naming the reason where systemd is not running")
{
  Host host;
  auto kinds = host.systemd_at(host.dir / "no-systemd", "systemctl");
  auto results = host.run("{id: services, title: S, kind: systemd, params: {units: [mysql]}}", std::move(kinds));
  REQUIRE(results.size() == 1);
  CHECK(results[0].status == Status::skip);
  CHECK(results[0].detail.find("systemd is not running on this host") != std::string::npos);
}

TEST_CASE("systemd: each unit must be active (running), systemctl runs without a shell")
{
  Host host;
  std::filesystem::create_directories(host.dir / "systemd");
  auto script = host.dir.write("systemctl", fmt::format("#!/bin/sh\nprintf '%s\\n' \"$@\" > '{}'\nprintf '{}'\n",
                                                        (host.dir / "args").string(), k_show_output));
  ::chmod(script.c_str(), 0755);
  auto kinds = host.systemd_at(host.dir / "systemd", script.string());
  auto results = host.run("{id: services, title: S, kind: systemd, params: {units: [credguard-backend, mysql, "
                          "'nosuch;rm -rf x']}}",
                          std::move(kinds));
  REQUIRE(results.size() == 3);
  CHECK(results[0].id == "services:credguard-backend");
  CHECK(results[0].status == Status::pass);
  CHECK(results[1].status == Status::fail);
  CHECK(results[1].detail == "mysql: failed (failed)");
  CHECK(results[2].status == Status::fail);
  CHECK(results[2].detail == "nosuch;rm -rf x: no such unit");
  CHECK(test::slurp(host.dir / "args") ==
        "show\n--no-pager\n-p\nLoadState\n-p\nActiveState\n-p\nSubState\n--\ncredguard-backend\nmysql\n"
        "nosuch;rm -rf x\n");
}

TEST_CASE("systemd: a systemctl that cannot reach systemd makes the check UNKNOWN with its message")
{
  Host host;
  std::filesystem::create_directories(host.dir / "systemd");
  auto script = host.dir.write("systemctl", "#!/bin/sh\necho 'Failed to connect to bus: Host is down' >&2\nexit 1\n");
  ::chmod(script.c_str(), 0755);
  auto results = host.run("{id: s, title: S, kind: systemd, params: {units: [mysql]}}",
                          host.systemd_at(host.dir / "systemd", script.string()));
  CHECK(results[0].status == Status::unknown);
  CHECK(results[0].detail.find("Failed to connect to bus: Host is down") != std::string::npos);
}

TEST_CASE("process: names are found by comm or argv[0] in the real /proc")
{
  Host host;
  auto results = host.run("{id: procs, title: P, kind: process, params: {names: [test_checks_ops, "
                          "no-such-daemon-xyz]}}");
  REQUIRE(results.size() == 2);
  CHECK(results[0].id == "procs:test_checks_ops");
  CHECK(results[0].status == Status::pass);
  CHECK(results[0].value >= 1);
  CHECK(results[1].status == Status::fail);
  CHECK(results[1].detail == "no process named no-such-daemon-xyz");
}

TEST_CASE("process: truncated comm names and a minimum count, from a fixture /proc")
{
  Host host;
  auto proc = host.dir / "proc";
  auto add = [&](const std::string& pid, const std::string& comm, const std::string& cmdline) {
    std::filesystem::create_directories(proc / pid);
    host.dir.write("proc/" + pid + "/comm", comm + "\n");
    host.dir.write("proc/" + pid + "/cmdline", cmdline);
  };
  add("101", "mariadbd", std::string("/usr/sbin/mariadbd\0--datadir=/var/lib/mysql\0", 44));
  add("202", "credguard-backe", std::string("/opt/credguard/bin/credguard-backend\0", 37));
  add("303", "python3", std::string("python3\0worker.py\0", 18));
  host.dir.write("proc/meminfo", "not a process");
  auto results = host.run("{id: p, title: P, kind: process, params: {names: [mariadbd, credguard-backend, "
                          "credguard-scheduler-long]}}",
                          builtin_kinds(), proc);
  REQUIRE(results.size() == 3);
  CHECK(results[0].status == Status::pass);
  CHECK(results[1].status == Status::pass);
  CHECK(results[2].status == Status::fail);

  auto two = host.run("{id: p, title: P, kind: process, params: {names: [mariadbd], min: 2}}", builtin_kinds(), proc);
  CHECK(two[0].status == Status::fail);
  CHECK(two[0].threshold == ">= 2");
}
