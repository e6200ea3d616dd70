#pragma once

#include <credguard/incident/revoke.hpp>
#include <credguard/journal/entry.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace credguard::incident {

// Where a version stands in one place it could be served from.
enum class Standing { blocked, serving, unknown };

std::string_view to_string(Standing standing);

// One place checked, read in this run (never taken from the journal
// unless `detail` says when and how it was verified).
struct Place {
  std::string kind;  // registry, alias, denylist, configmap, cache, cronjob
  std::string where; // "gateway https://gw/admin/denylist/m/7", "alias production", "serving/ts"
  Standing standing = Standing::unknown;
  std::string detail;

  nlohmann::json to_json() const;
};

// The read-only proof of where model@version stands everywhere it is
// configured.
struct Proof {
  std::string model;
  std::string version;
  std::string state; // credguard.state, "" when untagged
  // The state the journal says credguard put it in (Revoked, Quarantined)
  // and has not released since, "" when none: a tag reset by someone else
  // does not unblock a version.
  std::string journaled_state;
  std::vector<Place> places;
  Millis took{0};

  // Revoked or Quarantined, in the registry or by the journal: the
  // versions a verdict is given for.
  bool must_be_blocked() const;
  // must_be_blocked() and every place is blocked.
  bool blocked_everywhere() const;
  // The places that are not blocked (serving or unknown).
  std::vector<const Place*> may_serve() const;
  // "blocked", "may_serve" or "not_blocked" (a version that is not
  // Revoked/Quarantined: serving is allowed).
  std::string verdict() const;
  // One line: "blocked everywhere (7 places checked)" or "may still serve
  // in: gateway ..., cronjob ...".
  std::string headline() const;
  nlohmann::json to_json() const;
};

// Checks model@version now, changing nothing: its state tag; the aliases
// that point at it; the gateway denylist (GET) and the denylist ConfigMap;
// every cache endpoint's read-back (probe()); a CronJob selected for the
// model that is not suspended. `journal` (entries of any plan, oldest
// first) gives the time of the last purge of each endpoint: a layer with no
// read-back counts as blocked when a verified purge is journaled, and a CDN
// copy counts as serving only when it was stored before that purge.
// Throws Error(data) for an unknown model or version, Error(unavailable)
// or Error(auth) when the registry cannot be read: nothing is claimed then.
Proof observe_status(Services& services, const std::string& model, const std::string& version,
                     const std::vector<journal::Entry>& journal);

// The proof as the last step of a plan: ok when the version is blocked
// everywhere, failed naming the places where it may still serve. The
// evidence is the proof, with verdict "blocked" when it holds.
Step proof_step(Services& services, std::string model, std::string version);

} // namespace credguard::incident
