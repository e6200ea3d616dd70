// triage --execute: a legitimate verdict runs rollback's own code against
// the fake MLflow registry, under the triage's incident.
#include "fakes/mlflow.hpp"
#include "harness.hpp"

#include <credguard/journal/journal.hpp>

#include <catch2/catch.hpp>

using namespace credguard;

namespace {

struct Registry {
  test::CliHarness h;
  test::FakeMlflow mlflow;

  Registry()
  {
    mlflow.add_version("credit-score", 6, {{"credguard.state", "Approved"}});
    mlflow.add_version("credit-score", 7);
    mlflow.set_alias("credit-score", "production", 7);
    h.env.set("CREDGUARD_REGISTRY_URL", mlflow.url());
  }

  std::vector<journal::Entry> entries(const std::string& incident)
  {
    journal::Journal journal(h.home / "journal.db", journal::Journal::Mode::read_only, h.clock,
                             journal::Identity{"t", "t", "", "h"});
    journal::Filter filter;
    filter.incident = incident;
    return journal.list(filter);
  }
};

bool contains(const std::string& text, const std::string& part)
{
  return text.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("triage --execute --yes: a legitimate incident rolls back, both journaled under one incident")
{
  Registry r;
  int code = r.h.run(
      {"triage", "--risk-score", "0.93", "--model", "credit-score@7", "--incident", "INC-E1", "--execute", "--yes"});
  INFO(r.h.out.str() << r.h.err.str());
  CHECK(code == 0); // rollback's exit code: done
  CHECK(r.mlflow.alias("credit-score", "production") == "6");
  CHECK(contains(r.h.out.str(), "LEGITIMATE"));
  CHECK(contains(r.h.out.str(), "Rollback done: production is credit-score@6"));
  auto entries = r.entries("INC-E1");
  REQUIRE(entries.size() >= 2);
  CHECK(entries.front().what.action == "triage.decision");
  CHECK(entries.front().what.outcome == "legitimate");
  bool alias_moved = std::any_of(entries.begin(), entries.end(), [](const journal::Entry& e) {
    return e.what.action.starts_with("rollback") && e.what.outcome == "ok" &&
           e.what.action.find("alias") != std::string::npos;
  });
  CHECK(alias_moved);
}

TEST_CASE("triage --execute without --yes and no terminal changes nothing, like rollback (exit 64)")
{
  Registry r;
  CHECK(r.h.run({"triage", "--risk-score", "0.93", "--model", "credit-score@7", "--incident", "INC-E2", "--execute"}) ==
        64);
  CHECK(contains(r.h.err.str(), "nothing was changed"));
  CHECK(contains(r.h.err.str(), "--yes"));
  CHECK(r.mlflow.alias("credit-score", "production") == "7");
  auto entries = r.entries("INC-E2");
  REQUIRE(entries.size() == 1); // the triage itself, nothing of rollback
  CHECK(entries[0].what.action == "triage.decision");

  // --dry-run passes through: rollback's plan, no change.
  CHECK(r.h.run({"triage", "--risk-score", "0.93", "--model", "credit-score@7", "--incident", "INC-E2", "--execute",
                 "--dry-run"}) == 0);
  CHECK(contains(r.h.out.str(), "Rollback credit-score: production 7 -> 6"));
  CHECK(r.mlflow.alias("credit-score", "production") == "7");
}

TEST_CASE("triage --execute: no rollback decision runs nothing, a missing model is a usage error")
{
  Registry r;
  CHECK(r.h.run({"triage", "--risk-score", "0.2", "--model", "credit-score@7", "--execute", "--yes"}) == 0);
  CHECK(contains(r.h.err.str(), "the decision is false_positive, not a rollback: nothing was run"));
  CHECK(r.h.run({"triage", "--risk-score", "0.65", "--model", "credit-score@7", "--execute", "--yes"}) == 1);
  CHECK(contains(r.h.err.str(), "nothing was run"));
  CHECK(r.mlflow.count("POST", "registered-models/alias") == 0);
  CHECK(r.h.run({"triage", "--risk-score", "0.93", "--execute", "--yes"}) == 64);
  CHECK(contains(r.h.err.str(), "names no model"));
  CHECK(r.h.run({"triage", "--risk-score", "0.93", "--yes"}) == 64); // --yes needs --execute
  CHECK(r.h.run({"--output", "json", "triage", "--risk-score", "0.93", "--model", "credit-score@7", "--execute",
                 "--yes"}) == 64);
  CHECK(r.h.run({"triage", "--batch", "--execute"}) == 64);
  CHECK(r.mlflow.alias("credit-score", "production") == "7");
}
