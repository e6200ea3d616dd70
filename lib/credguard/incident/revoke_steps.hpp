#pragma once

#include <credguard/incident/plan.hpp>
#include <credguard/incident/revoke.hpp>

namespace credguard::incident {

// Tags the version credguard.state=Revoked, credguard.incident,
// credguard.reason and credguard.revoked_at, writing only the tags that
// are missing; the state first, so the gates block as early as possible.
// A version already Revoked under another incident is skipped, untouched.
Step mark_step(RevokeServices& services, const RevokeRequest& request, const RevokeState& state);

// When production points at the version: moves it to state.replacement, or
// removes it. The evidence keeps the old and new targets (MLflow keeps no
// alias history). Skipped when production points elsewhere; a rerun after
// a crash mid-step recognises its own change from the journaled intent.
Step alias_step(RevokeServices& services, const RevokeRequest& request, const RevokeState& state);

} // namespace credguard::incident
