#pragma once

#include <credguard/core/clock.hpp>
#include <credguard/journal/entry.hpp>
#include <credguard/journal/journal.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace credguard::report {

// One line of the action plan: what, who, by when (YYYY-MM-DD).
struct ActionItem {
  std::string text;
  std::string owner;
  std::string due;
};

// Parses --action "text;owner;due": three fields separated by ';', none
// empty, due a date (YYYY-MM-DD). Throws Error(usage) saying what is wrong.
ActionItem parse_action_item(std::string_view spec);

// One journaled step, as the timeline shows it.
struct TimelineRow {
  std::int64_t seq = 0;
  std::string time; // RFC 3339 UTC
  std::string actor;
  std::string action;
  std::string target;
  std::string outcome;
  std::string detail; // what the evidence says in a few words
};

// One endpoint of a purge step (revoke.purge, purge-cache.*).
struct PurgeRow {
  std::string time;
  std::string target;
  std::string layer;
  std::string endpoint;
  bool ok = false;
  std::string status;
  std::string ms;
};

// One alias move (revoke.alias, rollback.alias).
struct AliasChange {
  std::string time;
  std::string actor;
  std::string action;
  std::string target;
  std::string outcome;
  std::string alias;
  std::string old_version;
  std::string new_version;
};

// A moment of the incident, with the entry that established it.
struct Milestone {
  std::string time;   // RFC 3339; empty when the journal does not know it
  std::string source; // e.g. "entry 4 (revoke.denylist)"
};

// What the journal knows about one incident, ready to render. Sections a
// person must write are the ones whose lists are empty.
struct Postmortem {
  std::string incident;
  std::string generated_at;
  std::string generator; // "credguard 0.1.0"
  journal::VerifyResult verify;
  std::size_t entry_count = 0;      // entries of this incident
  std::vector<std::string> targets; // what was acted on, first seen first
  std::vector<std::string> actors;
  std::vector<TimelineRow> timeline; // every entry but postmortem.*
  Milestone started;                 // the earlier of the GuardTrip event time and a *.freeze t0
  Milestone detected;                // the first triage.decision, else the first entry
  Milestone blocked;   // journal::traffic_blocked: denylist, else alias cut, else proof (revoke says the same)
  Milestone recovered; // the first rollback.validate that is ok, else the first rollback.alias that is
  std::optional<nlohmann::json> triage; // evidence of the first triage.decision
  std::int64_t triage_seq = 0;
  std::vector<PurgeRow> purges;
  std::vector<AliasChange> aliases;
  std::vector<TimelineRow> failures;    // entries whose outcome is failed
  std::vector<std::string> root_causes; // postmortem.root_cause
  std::vector<std::string> lessons;     // postmortem.lesson
  std::vector<ActionItem> actions;      // postmortem.action
};

// Builds the post-mortem of `incident` from its journal entries (oldest
// first) and the verification of the whole journal.
Postmortem build_postmortem(const std::string& incident, const std::vector<journal::Entry>& entries,
                            const journal::VerifyResult& verify, SystemTime now, std::string generator);

// Milliseconds from `from` to `to` (both RFC 3339), when both are known and
// `to` is not earlier.
std::optional<Millis> between(const Milestone& from, const Milestone& to);

// The seven sections (context, timeline, detection, root cause, response,
// lessons learned, action plan) as Markdown; parts a person must write are
// marked "TO BE WRITTEN".
std::string render_markdown(const Postmortem& postmortem);

// The same document as JSON (schema_version 1); sections to write carry
// "to_be_written": true.
nlohmann::json to_json(const Postmortem& postmortem);

// The journal actions postmortem uses for added content.
inline constexpr std::string_view k_root_cause_action = "postmortem.root_cause";
inline constexpr std::string_view k_lesson_action = "postmortem.lesson";
inline constexpr std::string_view k_action_item_action = "postmortem.action";

} // namespace credguard::report
