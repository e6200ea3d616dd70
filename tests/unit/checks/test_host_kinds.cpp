#include "support/fake_clock.hpp"
#include "support/temp_dir.hpp"

#include <credguard/checks/engine.hpp>

#include <catch2/catch.hpp>

using namespace credguard;
using namespace credguard::checks;

namespace {
const MapEnv g_no_env; // outlives every Config that refers to it
}

namespace {

class NoClients final : public Clients {
public:
  http::Transport& http() override { throw std::logic_error("unused"); }
};

EngineRun run_with_proc(const test::TempDir& proc, const std::string& checks)
{
  static Redactor redactor;
  static test::FakeClock clock;
  static NullLog log;
  static NoClients clients;
  static auto config = Config::parse("", "cfg.yaml", g_no_env, redactor);
  static auto kinds = builtin_kinds();
  auto runbook = parse_runbook("name: t\nchecks:\n" + checks, "rb.yaml", config, Millis(5000));
  validate_runbook(runbook, kinds);
  return run_runbook(runbook, kinds, EngineContext{config, clock, log, clients, proc.path()}, {});
}

} // namespace

TEST_CASE("host kinds: memory is measured from meminfo against the threshold")
{
  test::TempDir proc;
  proc.write("meminfo", "MemTotal: 1000000 kB\nMemAvailable: 150000 kB\n");
  auto run = run_with_proc(proc, "  - {id: memory, title: M, kind: memory, threshold: {warn: 80, crit: 95, unit: "
                                 "\"%\"}}\n");
  const auto& result = run.report.results.at(0);
  CHECK(result.status == Status::warn);
  CHECK(result.value == Approx(85.0));
  CHECK(result.value_text == "85 %");
  CHECK(result.detail == "830.1 MiB of 976.6 MiB in use");
}

TEST_CASE("host kinds: disk gives one result per real file system")
{
  test::TempDir proc;
  proc.write("self/mounts", "/dev/vda / ext4 rw 0 0\nproc /proc proc rw 0 0\ntmpfs /dev/shm tmpfs rw 0 0\n"
                            "/dev/vda /etc/hosts ext4 rw 0 0\n");
  auto run = run_with_proc(proc, "  - {id: disk, title: Disk use, kind: disk, threshold: {warn: 101}}\n");
  REQUIRE(run.report.results.size() == 1); // /etc/hosts is the same file system as /
  CHECK(run.report.results[0].id == "disk:/");
  CHECK(run.report.results[0].title == "Disk use /");
  CHECK(run.report.results[0].status == Status::pass);
  CHECK(run.report.results[0].data["type"] == "ext4");
}

TEST_CASE("host kinds: cpu samples /proc/stat twice")
{
  test::TempDir proc;
  proc.write("stat", "cpu  100 0 100 800 0 0 0 0 0 0\n");
  proc.write("loadavg", "0.10 0.20 0.30 1/1 1\n");
  auto run = run_with_proc(proc, "  - {id: cpu, title: C, kind: cpu, params: {sample: 10ms}, threshold: {warn: "
                                 "70}}\n");
  CHECK(run.report.results[0].status == Status::pass);
  CHECK(run.report.results[0].value == 0.0); // same file twice: no time passed
  CHECK(run.report.results[0].detail.find("load average 0.10 0.20 0.30") == 0);
}

TEST_CASE("host kinds: an unreadable /proc is UNKNOWN naming the file")
{
  test::TempDir proc;
  auto run = run_with_proc(proc, "  - {id: memory, title: M, kind: memory}\n");
  CHECK(run.report.results[0].status == Status::unknown);
  CHECK(run.report.results[0].detail.find("meminfo") != std::string::npos);
}
