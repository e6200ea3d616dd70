#include <credguard/core/time_format.hpp>
#include <credguard/incident/revoke_steps.hpp>
#include <credguard/registry/model_version.hpp>

#include <fmt/format.h>

namespace credguard::incident {

namespace {

using nlohmann::json;

json alias_change(const std::string& old_version, const std::optional<std::string>& new_version)
{
  return json{{"alias", k_production_alias}, {"old", old_version}, {"new", new_version ? json(*new_version) : json()}};
}

std::optional<std::string> current_production(registry::ModelRegistry& registry, const std::string& model)
{
  auto alias = registry.get_alias(model, k_production_alias);
  return alias ? std::optional<std::string>(alias->version) : std::nullopt;
}

} // namespace

Step mark_step(RevokeServices& services, const RevokeRequest& request, const RevokeState& state)
{
  std::string target = request.model + "@" + request.version;
  bool already = state.version.state() == registry::k_state_revoked;
  Step step{"mark", already ? fmt::format("mark {} Revoked in the registry: already Revoked (state {})", target,
                                          state.version.state())
                            : fmt::format("mark {} Revoked in the registry (was {})", target,
                                          state.version.state().empty() ? "untagged" : state.version.state())};
  step.intent = json{{"previous_state", state.version.state()}};
  step.run = [&services, request](const StepContext& context) {
    auto& registry = services.registry;
    auto current = registry.get_version(request.model, request.version);
    if (!current) {
      return StepResult{Outcome::failed, "the version is no longer in the registry", json::object()};
    }
    json evidence{{"previous_state", current->state()}};
    auto other = current->tag(registry::k_incident_tag);
    if (current->state() == registry::k_state_revoked && other && *other != request.incident) {
      evidence["revoked_by"] = *other;
      evidence["revoked_at"] = current->tag(registry::k_revoked_at_tag).value_or("");
      return StepResult{Outcome::skipped, fmt::format("already Revoked under {} (tags left as they are)", *other),
                        evidence};
    }
    // The state first: download and startup gates read it.
    std::vector<std::pair<std::string, std::string>> wanted = {
        {registry::k_state_tag, registry::k_state_revoked},
        {registry::k_incident_tag, request.incident},
        {registry::k_reason_tag, request.reason},
        {registry::k_revoked_at_tag, format_rfc3339(context.t0)},
    };
    json written = json::array();
    for (const auto& [key, value] : wanted) {
      bool keep = key == registry::k_revoked_at_tag ? current->tag(key).has_value() : current->tag(key) == value;
      if (!keep) {
        registry.set_version_tag(request.model, request.version, key, value);
        written.push_back(key);
      }
    }
    evidence["tags_written"] = written;
    auto after = registry.get_version(request.model, request.version);
    if (!after || after->state() != registry::k_state_revoked) {
      return StepResult{Outcome::failed, "the registry does not show the Revoked tag after writing it", evidence};
    }
    return StepResult{Outcome::ok,
                      written.empty() ? "already tagged Revoked"
                                      : fmt::format("tagged Revoked ({} tag(s) written)", written.size()),
                      evidence};
  };
  return step;
}

Step alias_step(RevokeServices& services, const RevokeRequest& request, const RevokeState& state)
{
  bool points_here = state.production == request.version;
  std::string description;
  if (!state.production) {
    description = "cut traffic: no production alias is set (nothing to do)";
  } else if (!points_here) {
    description =
        fmt::format("cut traffic: production points at {}, not {} (nothing to do)", *state.production, request.version);
  } else if (state.replacement) {
    description = fmt::format("cut traffic: move production {} -> {} ({})", request.version, *state.replacement,
                              state.replacement_why);
  } else {
    description = fmt::format("cut traffic: remove the production alias ({})", state.replacement_why);
  }
  Step step{"alias", description};
  if (points_here) {
    step.intent = alias_change(request.version, state.replacement);
  }
  step.run = [&services, request, state](const StepContext& context) {
    auto& registry = services.registry;
    auto now = current_production(registry, request.model);
    if (now != request.version) {
      // Did an earlier, interrupted run of this step make this change?
      for (const auto& entry : context.history) {
        const auto& intent = entry.what.evidence.value("intent", json::object());
        if (entry.what.outcome == "started" && intent.value("old", "") == request.version) {
          const auto& planned = intent.value("new", json());
          bool matches = planned.is_null() ? !now.has_value() : now == planned.get<std::string>();
          if (matches) {
            json evidence = intent;
            evidence["confirmed"] = true;
            return StepResult{Outcome::ok, "production was already changed by an earlier run (confirmed)", evidence};
          }
        }
      }
      json evidence{{"alias", k_production_alias}, {"current", now ? json(*now) : json()}};
      return StepResult{Outcome::skipped,
                        now ? fmt::format("production points at {}, not {}", *now, request.version)
                            : std::string("no production alias is set"),
                        evidence};
    }
    if (state.replacement) {
      registry.set_alias(request.model, k_production_alias, *state.replacement);
    } else {
      registry.delete_alias(request.model, k_production_alias);
    }
    auto after = current_production(registry, request.model);
    json evidence = alias_change(request.version, state.replacement);
    if (after != state.replacement) {
      evidence["observed"] = after ? json(*after) : json();
      return StepResult{Outcome::failed, "the registry does not show the alias change", evidence};
    }
    return StepResult{Outcome::ok,
                      state.replacement ? fmt::format("production {} -> {}", request.version, *state.replacement)
                                        : fmt::format("production alias removed (was {})", request.version),
                      evidence};
  };
  return step;
}

} // namespace credguard::incident
