#include "support/fake_clock.hpp"
#include "support/temp_dir.hpp"

#include <credguard/core/error.hpp>
#include <credguard/incident/plan.hpp>

#include <catch2/catch.hpp>

using namespace credguard;
using namespace credguard::incident;

namespace {

struct Fixture {
  test::TempDir dir;
  test::FakeClock clock;
  journal::Journal journal{dir / "journal.db", journal::Journal::Mode::read_write, clock,
                           journal::Identity{"alice", "root", "", "host-1"}};
  std::map<std::string, int> calls;

  Step step(const std::string& name, Outcome outcome, bool stop = false)
  {
    Step s;
    s.name = name;
    s.description = "do " + name;
    s.stop_on_failure = stop;
    s.run = [this, name, outcome](const StepContext&) {
      ++calls[name];
      clock.advance(Millis(100));
      return StepResult{outcome, name + " result", {{"name", name}}};
    };
    return s;
  }

  std::vector<std::string> outcomes(const std::string& action)
  {
    std::vector<std::string> out;
    journal::Filter filter;
    filter.action_prefix = action;
    for (const auto& entry : journal.list(filter)) {
      out.push_back(entry.what.outcome);
    }
    return out;
  }
};

} // namespace

TEST_CASE("plan: each step is journaled started then its outcome, with evidence and a summary")
{
  Fixture f;
  Plan plan{"test", "INC-1", "m@7", "because", {f.step("a", Outcome::ok), f.step("b", Outcome::skipped)}};
  PlanRunner runner(f.journal, f.clock, "credguard test");
  auto report = runner.run(plan);
  CHECK(report.exit_code() == 0);
  CHECK(f.outcomes("test.a") == std::vector<std::string>{"started", "ok"});
  CHECK(f.outcomes("test.b") == std::vector<std::string>{"started", "skipped"});
  CHECK(f.outcomes("test.summary") == std::vector<std::string>{"ok"});
  auto entries = f.journal.list({});
  CHECK(entries[1].what.evidence["name"] == "a");
  CHECK(entries[1].what.evidence["duration_ms"] == 100);
  CHECK(entries[1].what.incident == "INC-1");
  CHECK(entries[1].what.target == "m@7");
  CHECK(entries[1].what.reason == "because");
  CHECK(report.steps[1].finished_after == Millis(200));
}

TEST_CASE("plan: a failure goes on (exit 2) unless the step stops the plan")
{
  Fixture f;
  Plan plan{"test", "INC-1", "m@7", "", {f.step("a", Outcome::failed), f.step("b", Outcome::ok)}};
  PlanRunner runner(f.journal, f.clock, "credguard test");
  auto report = runner.run(plan);
  CHECK(report.exit_code() == 2);
  CHECK(f.calls["b"] == 1);

  Fixture g;
  Plan stopping{"test", "INC-2", "m@7", "", {g.step("a", Outcome::failed, true), g.step("b", Outcome::ok)}};
  PlanRunner stopper(g.journal, g.clock, "credguard test");
  auto stopped = stopper.run(stopping);
  CHECK(stopped.exit_code() == 2);
  CHECK(g.calls["b"] == 0);
  CHECK_FALSE(stopped.steps[1].ran);
  CHECK(g.outcomes("test.b").empty());
  CHECK(g.outcomes("test.summary") == std::vector<std::string>{"failed"});
}

TEST_CASE("plan: a thrown Error fails the step with its message")
{
  Fixture f;
  Step throwing;
  throwing.name = "boom";
  throwing.run = [](const StepContext&) -> StepResult {
    throw Error(ErrorKind::unavailable, "registry GET http://x: connection refused");
  };
  Plan plan{"test", "INC-1", "m@7", "", {throwing}};
  auto report = PlanRunner(f.journal, f.clock, "c").run(plan);
  CHECK(report.steps[0].outcome == Outcome::failed);
  CHECK(report.steps[0].summary.find("connection refused") != std::string::npos);
  auto entries = f.journal.list({});
  CHECK(entries[1].what.outcome == "failed");
  CHECK(entries[1].what.evidence["kind"] == "unavailable");
}

TEST_CASE("plan: a rerun calls every step again, and one that acts again after an earlier ok is repaired")
{
  Fixture f;
  PlanRunner runner(f.journal, f.clock, "c");
  Plan first{"test", "INC-1", "m@7", "", {f.step("a", Outcome::ok), f.step("b", Outcome::failed)}};
  runner.run(first);
  f.clock.advance(Millis(60'000));

  // The world moved back under `a`: it acts again.
  Plan second{"test", "INC-1", "m@7", "", {f.step("a", Outcome::ok), f.step("b", Outcome::ok)}};
  second.steps[0].run = [&](const StepContext& context) {
    ++f.calls["a"];
    CHECK(context.last_reached() != nullptr);
    return StepResult{Outcome::ok, "moved it again", {}, true};
  };
  SystemTime t0_seen{};
  second.steps[1].run = [&](const StepContext& context) {
    ++f.calls["b"];
    t0_seen = context.t0;
    CHECK(context.history.size() == 2); // started + failed of the first run
    CHECK(context.last_evidence()["name"] == "b");
    CHECK(context.last_reached() == nullptr);
    // Every entry of the plan so far: the first run's four and this run's two.
    CHECK(context.plan_entries.size() == 7);
    return StepResult{Outcome::ok, "ok", {}, true};
  };
  auto report = runner.run(second);
  CHECK(f.calls["a"] == 2);
  CHECK(f.calls["b"] == 2);
  CHECK(report.steps[0].done_before);
  CHECK(report.steps[0].outcome == Outcome::repaired);
  CHECK(report.steps[0].summary == "repaired: moved it again");
  // b had never been reached: acting is plain ok, not a repair.
  CHECK(report.steps[1].outcome == Outcome::ok);
  CHECK(report.repaired().size() == 1);
  CHECK(report.exit_code() == 0);
  CHECK(f.outcomes("test.a") == std::vector<std::string>{"started", "ok", "started", "repaired"});
  // T0 is when the action first began, not when the rerun began.
  CHECK(t0_seen == report.t0);
  CHECK(report.t0 < report.started_at);

  // A third run that finds everything in place acts nowhere: ok, done before.
  Plan third{"test", "INC-1", "m@7", "", {f.step("a", Outcome::ok)}};
  auto checked = runner.run(third);
  CHECK(checked.steps[0].outcome == Outcome::ok);
  CHECK(checked.steps[0].done_before);
  CHECK(f.calls["a"] == 3);

  // Another incident or another target is another plan.
  Plan other{"test", "INC-2", "m@7", "", {f.step("a", Outcome::ok)}};
  auto fresh = runner.run(other);
  CHECK_FALSE(fresh.steps[0].done_before);

  // history_after hides what came before (a quarantine after a release).
  Plan afresh{"test", "INC-1", "m@7", "", {f.step("a", Outcome::ok)}};
  afresh.history_after = f.journal.list({}).back().seq;
  auto restarted = runner.run(afresh);
  CHECK_FALSE(restarted.steps[0].done_before);
  CHECK(restarted.t0 == restarted.started_at);
}

TEST_CASE("plan: an interrupt stops after the current step and exits 130")
{
  Fixture f;
  std::atomic<bool> interrupted{false};
  Plan plan{"test", "INC-1", "m@7", "", {f.step("a", Outcome::ok), f.step("b", Outcome::ok)}};
  plan.steps[0].run = [&](const StepContext&) {
    interrupted = true; // Ctrl-C while the step runs: it finishes
    return StepResult{Outcome::ok, "done", {}};
  };
  RunOptions options;
  options.interrupted = &interrupted;
  auto report = PlanRunner(f.journal, f.clock, "c").run(plan, options);
  CHECK(report.interrupted);
  CHECK(report.exit_code() == 130);
  CHECK(f.calls["b"] == 0);
  CHECK(f.outcomes("test.a") == std::vector<std::string>{"started", "ok"});
  CHECK(f.outcomes("test.b").empty());
  auto summary = f.journal.list({}).back();
  CHECK(summary.what.evidence["interrupted"] == true);
}

TEST_CASE("plan: when the journal cannot be written the step does not act (Error io)")
{
  test::TempDir dir;
  test::FakeClock clock;
  auto path = dir / "journal.db";
  journal::Identity who{"a", "a", "", "h"};
  {
    journal::Journal create(path, journal::Journal::Mode::read_write, clock, who);
  }
  // Opened read-only, every append fails, as on a full or read-only disk.
  journal::Journal read_only(path, journal::Journal::Mode::read_only, clock, who);
  int acted = 0;
  Step step;
  step.name = "act";
  step.run = [&](const StepContext&) {
    ++acted;
    return StepResult{};
  };
  Plan plan{"test", "INC-1", "m@7", "", {step}};
  try {
    PlanRunner(read_only, clock, "c").run(plan);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::io);
    CHECK(std::string(e.what()).find("test.act: not acting") != std::string::npos);
  }
  CHECK(acted == 0);
}
