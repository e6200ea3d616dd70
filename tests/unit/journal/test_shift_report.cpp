#include <credguard/core/time_format.hpp>
#include <credguard/journal/shift_report.hpp>

#include <catch2/catch.hpp>

using namespace credguard;
using namespace credguard::journal;

namespace {

struct Entries {
  std::vector<Entry> list;

  void add(const std::string& time, const std::string& incident, const std::string& action, const std::string& target,
           const std::string& outcome, nlohmann::json evidence = nlohmann::json::object())
  {
    Entry entry;
    entry.seq = static_cast<std::int64_t>(list.size()) + 1;
    entry.time = time;
    entry.who.actor = "ana";
    entry.what = EntryDraft{"credguard ...", incident, action, target, outcome, "", std::move(evidence)};
    list.push_back(entry);
  }
};

} // namespace

TEST_CASE("shift report: the newest run of each checklist with its problems")
{
  Entries e;
  e.add("2026-11-22T08:00:00.000Z", "", "checklist.daily", "web1", "pass", {{"summary", {{"pass", 20}}}});
  e.add("2026-11-23T08:01:00.000Z", "", "checklist.daily", "web1", "fail",
        {{"summary", {{"pass", 18}, {"fail", 1}}},
         {"problems", {{{"id", "stuck-jobs"}, {"status", "FAIL"}, {"value", "2 jobs"}, {"detail", "ids 7, 9"}}}}});
  e.add("2026-11-23T08:05:00.000Z", "", "checklist.weekly", "web1", "warn");
  e.add("2026-11-23T09:00:00.000Z", "", "checklist.handover", "web1", "ok");
  auto report =
      build_shift_report(e.list, *parse_rfc3339("2026-11-23T06:00:00Z"), *parse_rfc3339("2026-11-23T14:00:00Z"));
  REQUIRE(report.checklists.size() == 2);
  CHECK(report.checklists[0].checklist == "daily");
  CHECK(report.checklists[0].outcome == "fail");
  CHECK(report.checklists[0].seq == 2);
  CHECK(report.checklists[0].problems[0]["id"] == "stuck-jobs");
  CHECK(report.checklists[1].checklist == "weekly");
  CHECK(report.shift_entries == 3);
  CHECK(report.shift_actions.at("checklist.handover") == 1);
  CHECK(report.open_incidents() == 0);
}

TEST_CASE("shift report: incidents with steps started and not finished, or failed, are open")
{
  Entries e;
  // INC-1: everything finished.
  e.add("2026-11-22T10:00:00.000Z", "INC-1", "revoke.mark", "fa_12_v2@7", "started");
  e.add("2026-11-22T10:00:01.000Z", "INC-1", "revoke.mark", "fa_12_v2@7", "ok");
  // INC-2: a purge interrupted (started, never finished), a failure retried successfully, a failed event.
  e.add("2026-11-23T07:00:00.000Z", "INC-2", "revoke.purge", "gateway", "started");
  e.add("2026-11-23T07:00:01.000Z", "INC-2", "revoke.alias", "fa_12_v2", "failed");
  e.add("2026-11-23T07:00:05.000Z", "INC-2", "revoke.alias", "fa_12_v2", "ok");
  e.add("2026-11-23T07:00:06.000Z", "INC-2", "revoke.event", "slack", "failed");
  auto report =
      build_shift_report(e.list, *parse_rfc3339("2026-11-23T06:00:00Z"), *parse_rfc3339("2026-11-23T14:00:00Z"));
  REQUIRE(report.incidents.size() == 2);
  CHECK(report.incidents[0].id == "INC-2"); // open first
  CHECK(report.incidents[0].pending == 2);
  CHECK(report.incidents[0].last_action == "revoke.event");
  CHECK(report.incidents[1].id == "INC-1");
  CHECK(report.incidents[1].pending == 0);
  CHECK(report.open_incidents() == 1);
  REQUIRE(report.pending.size() == 2);
  CHECK(report.pending[0].action == "revoke.purge");
  CHECK(report.pending[0].state == "started");
  CHECK(report.pending[1].action == "revoke.event");
  CHECK(report.pending[1].state == "failed");

  auto json = to_json(report);
  CHECK(json["schema_version"] == 1);
  CHECK(json["open_incidents"] == 1);
  CHECK(json["pending_steps"].size() == 2);
  CHECK(json["incidents"][0]["open"] == true);
  CHECK(json["shift"]["end"] == "2026-11-23T14:00:00Z");
}
