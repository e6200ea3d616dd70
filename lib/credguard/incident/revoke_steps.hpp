#pragma once

#include <credguard/incident/plan.hpp>
#include <credguard/incident/revoke.hpp>
#include <credguard/registry/model_version.hpp>

#include <set>
#include <string>
#include <utility>
#include <vector>

namespace credguard::incident {

using Tags = std::vector<std::pair<std::string, std::string>>;

// The tags of `wanted` that `current` does not carry with that value (for
// keys in `keep_if_set`: that it does not carry at all), in order; empty
// values are never written.
Tags tags_to_write(const registry::ModelVersion& current, const Tags& wanted, const std::set<std::string>& keep_if_set);

// What write_tags did.
struct TagWrite {
  nlohmann::json written = nlohmann::json::array(); // the keys sent
  nlohmann::json lost = nlohmann::json::array();    // writes whose answer was lost
  bool in_place = false;                            // read back: every tag has its value
};

// Writes `tags` in order, then reads the version back. A write whose
// answer is lost (Error(unavailable)) is judged by the read-back; other
// errors propagate.
TagWrite write_tags(registry::ModelRegistry& registry, const std::string& model, const std::string& version,
                    const Tags& tags);

// Tags the version credguard.state=Revoked, credguard.incident,
// credguard.reason and credguard.revoked_at, writing only the tags that
// differ now (a tag changed since an earlier run is written again: a
// repair); the state first, so the gates block as early as possible.
// A version already Revoked under another incident is skipped, untouched.
Step mark_step(Services& services, const RevokeRequest& request, const RevokeState& state);

// Observes production: when it points at the version (first run, or moved
// back since), moves it to state.replacement or removes it, and reads it
// back (also after a lost answer). The evidence keeps the old and new
// targets (MLflow keeps no alias history). In place when this plan moved
// it off before (or an interrupted run did, per its journaled intent);
// skipped when production never pointed at the version in this plan.
Step alias_step(Services& services, const RevokeRequest& request, const RevokeState& state);

} // namespace credguard::incident
