#pragma once

#include <credguard/incident/plan.hpp>
#include <credguard/incident/rollback.hpp>

#include <string>

namespace credguard::incident {

// Pre-warms model@version in the serving layer with prewarm(): ok when
// every TorchServe/Triton endpoint reports it ready, skipped when none is
// configured, failed otherwise. A failure stops the plan: the alias is not
// moved to a version that cannot serve.
Step prewarm_step(Services& services, const RollbackSettings& settings, std::string model, std::string version);

// Validates the new production version: the health URL answers 2xx and
// every SLO query stays at or under its max, sampled every interval over
// the settle period (a breach ends the wait). Failed on a breach, an
// unanswered query or no data; skipped when neither is configured.
Step validate_step(RollbackServices& services, std::string model, std::string version);

} // namespace credguard::incident
