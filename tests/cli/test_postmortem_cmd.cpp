#include "cmd/postmortem/postmortem.hpp"
#include "harness.hpp"

#include <credguard/journal/journal.hpp>

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace credguard;
using namespace credguard::cli;

namespace {

bool contains(const std::string& text, const std::string& part)
{
  return text.find(part) != std::string::npos;
}

// A triage through the CLI, then revoke steps as the revoke command
// journals them.
void incident(test::CliHarness& h)
{
  REQUIRE(h.run({"triage", "--risk-score", "0.93", "--heartbeat-misses", "1", "--model", "credit-score@7", "--incident",
                 "INC-1"}) == 2);
  journal::Journal journal(h.home / "journal.db", journal::Journal::Mode::read_write, h.clock,
                           journal::Identity{"bob", "bob", "", "ops-2"});
  h.clock.advance(Millis(60'000));
  journal.append({"credguard revoke", "INC-1", "revoke.denylist", "credit-score@7", "ok", "", {}});
  h.clock.advance(Millis(60'000));
  journal.append({"credguard revoke",
                  "INC-1",
                  "revoke.alias",
                  "credit-score@7",
                  "ok",
                  "",
                  {{"alias", "production"}, {"old", "7"}, {"new", "6"}}});
  h.clock.advance(Millis(60'000));
  journal.append({"credguard rollback", "INC-1", "rollback.validate", "credit-score@6->5", "ok", "", {}});
}

std::size_t count(test::CliHarness& h, const std::string& action)
{
  journal::Journal journal(h.home / "journal.db", journal::Journal::Mode::read_only, h.clock,
                           journal::Identity{"t", "t", "", "h"});
  journal::Filter filter;
  filter.action_prefix = action;
  return journal.list(filter).size();
}

} // namespace

TEST_CASE("postmortem: argv becomes options")
{
  test::CliHarness h;
  Context ctx(Io{h.out, h.err, h.in, false, false, false, false}, h.clock, h.env);
  CLI::App app;
  PostmortemOptions seen;
  configure_postmortem(app, ctx, [&](const PostmortemOptions& options, Context&) {
    seen = options;
    return 0;
  });
  std::vector<std::string> args = {"INC-1", "--format", "json", "-o",       "pm.json",        "--lesson",
                                   "a",     "--lesson", "b",    "--action", "x;y;2026-12-01", "--root-cause",
                                   "rc"};
  std::reverse(args.begin(), args.end());
  app.parse(args);
  REQUIRE(ctx.action);
  ctx.action();
  CHECK(seen.incident == "INC-1");
  CHECK(seen.format == "json");
  CHECK(seen.output_file == "pm.json");
  CHECK(seen.lessons == std::vector<std::string>{"a", "b"});
  CHECK(seen.actions == std::vector<std::string>{"x;y;2026-12-01"});
  CHECK(seen.root_causes == std::vector<std::string>{"rc"});
  CHECK(h.run({"postmortem"}) == 64);
  CHECK(h.run({"postmortem", "INC-1", "--format", "pdf"}) == 64);
}

TEST_CASE("postmortem: the document from the journal, with added content journaled")
{
  test::CliHarness h;
  incident(h);
  CHECK(h.run({"postmortem", "INC-1"}) == 0);
  auto md = h.out.str();
  CHECK(md.starts_with("# Post-mortem INC-1\n"));
  CHECK(contains(md, "hash chain verified (4 entries"));
  CHECK(contains(md, "| Risk score | 0.93 |"));
  CHECK(contains(md, "- Time to block traffic: 1m\n"));
  CHECK(contains(md, "- Time to recover: 3m\n")); // the validated rollback, not the revoke's alias cut
  CHECK(contains(md, "## 4. Root cause\n\n> **TO BE WRITTEN:**"));

  CHECK(h.run({"postmortem", "INC-1", "--root-cause", "Unscaled incomes", "--lesson", "Purge retries", "--action",
               "Validate scaling in CI;data-eng;2026-12-15", "--format", "json"}) == 0);
  auto json = nlohmann::json::parse(h.out.str());
  CHECK(json["root_cause"]["items"][0] == "Unscaled incomes");
  CHECK(json["lessons_learned"]["items"][0] == "Purge retries");
  CHECK(json["action_plan"]["items"][0]["owner"] == "data-eng");
  CHECK(json["milestones"]["time_to_recover_ms"] == 180'000);
  CHECK(count(h, "postmortem.") == 3);

  // later runs keep what was added
  CHECK(h.run({"postmortem", "INC-1", "-o", (h.home / "out" / "pm.md").string()}) == 0);
  CHECK(h.out.str().empty());
  auto file = test::slurp(h.home / "out" / "pm.md");
  CHECK(contains(file, "| Validate scaling in CI | data-eng | 2026-12-15 |"));
  CHECK(contains(file, "- Unscaled incomes\n"));
}

TEST_CASE("postmortem: bad input writes nothing")
{
  test::CliHarness h;
  incident(h);
  CHECK(h.run({"postmortem", "INC-1", "--lesson", "fine", "--action", "Add an alert;data-eng"}) == 64);
  CHECK(contains(h.err.str(), "expected \"text;owner;due\""));
  CHECK(h.run({"postmortem", "INC-1", "--action", "Add an alert;data-eng;soon"}) == 64);
  CHECK(h.run({"postmortem", "INC-1", "--root-cause", ""}) == 64);
  CHECK(count(h, "postmortem.") == 0);

  // An empty ID selected the whole journal (exit 0).
  CHECK(h.run({"postmortem", ""}) == 64);
  CHECK(contains(h.err.str(), "incident \"\" is not a valid incident ID"));
  CHECK(h.out.str().empty());
  CHECK(h.run({"postmortem", "INC 1"}) == 64);

  CHECK(h.run({"postmortem", "INC-404"}) == 65);
  CHECK(contains(h.err.str(), "no entry for incident INC-404"));
  CHECK(h.run({"postmortem", "INC-404", "--lesson", "x"}) == 65);
  CHECK(count(h, "postmortem.") == 0);

  h.home.write("file", "x");
  CHECK(h.run({"postmortem", "INC-1", "-o", (h.home / "file" / "pm.md").string()}) == 74);
}

TEST_CASE("postmortem: a broken chain exits 2 and the document says so")
{
  test::CliHarness h;
  incident(h);
  {
    SQLite::Database db((h.home / "journal.db").string(), SQLite::OPEN_READWRITE);
    db.exec("DROP TRIGGER entries_append_only_update");
    db.exec("UPDATE entries SET outcome = 'failed' WHERE seq = 2");
  }
  CHECK(h.run({"postmortem", "INC-1"}) == 2);
  CHECK(contains(h.out.str(), "**NOT VERIFIED**: entry 2"));
  CHECK(contains(h.err.str(), "did not verify"));
}

TEST_CASE("postmortem: a batch triage shows its counts in the timeline")
{
  test::CliHarness h;
  h.in.str("{\"risk_score\":0.9}\n{\"risk_score\":0.1}\n");
  REQUIRE(h.run({"triage", "--batch", "--incident", "INC-B"}) == 2);
  CHECK(h.run({"postmortem", "INC-B"}) == 0);
  CHECK(contains(h.out.str(),
                 "| triage.batch | stdin | legitimate | 2 events: 1 legitimate, 0 investigate, 0 monitor |"));
}

TEST_CASE("postmortem: without a journal it is an I/O error")
{
  test::CliHarness h;
  CHECK(h.run({"postmortem", "INC-1"}) == 74);
}
