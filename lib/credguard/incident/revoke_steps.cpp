#include <credguard/core/error.hpp>
#include <credguard/core/time_format.hpp>
#include <credguard/incident/revoke_steps.hpp>
#include <credguard/incident/verified_write.hpp>
#include <credguard/journal/names.hpp>
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

// The entry of this step that moved production off `version`: an ok one,
// or a `started` one whose intent an interrupted run may have carried out.
const journal::Entry* moved_off(const std::vector<journal::Entry>& history, const std::string& version)
{
  for (auto it = history.rbegin(); it != history.rend(); ++it) {
    const auto& evidence = it->what.outcome == journal::outcome::started
                               ? it->what.evidence.value("intent", json::object())
                               : it->what.evidence;
    if (evidence.is_object() && evidence.value("old", json()) == json(version)) {
      return &*it;
    }
  }
  return nullptr;
}

} // namespace

Tags tags_to_write(const registry::ModelVersion& current, const Tags& wanted, const std::set<std::string>& keep_if_set)
{
  Tags missing;
  for (const auto& [key, value] : wanted) {
    bool keep = keep_if_set.contains(key) ? current.tag(key).has_value() : current.tag(key) == value;
    // An untagged version has no previous state to record.
    if (!keep && !value.empty()) {
      missing.emplace_back(key, value);
    }
  }
  return missing;
}

TagWrite write_tags(registry::ModelRegistry& registry, const std::string& model, const std::string& version,
                    const Tags& tags)
{
  TagWrite result;
  for (const auto& [key, value] : tags) {
    try {
      registry.set_version_tag(model, version, key, value);
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::unavailable) {
        throw;
      }
      // The answer is lost, not the write: the read-back below decides.
      result.lost.push_back(fmt::format("{}: {}", key, e.what()));
    }
    result.written.push_back(key);
  }
  auto after = registry.get_version(model, version);
  result.in_place = after.has_value() && std::all_of(tags.begin(), tags.end(), [&](const auto& tag) {
                      return after->tag(tag.first) == tag.second;
                    });
  return result;
}

Step mark_step(Services& services, const RevokeRequest& request, const RevokeState& state)
{
  std::string target = request.model + "@" + request.version;
  bool already = state.version.state() == registry::k_state_revoked;
  Step step{std::string(journal::step::mark),
            already ? fmt::format("mark {} Revoked in the registry: already Revoked (state {})", target,
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
    auto missing = tags_to_write(*current, wanted, {registry::k_revoked_at_tag});
    auto written = write_tags(registry, request.model, request.version, missing);
    evidence["tags_written"] = written.written;
    if (!written.lost.empty()) {
      evidence["answers_lost"] = written.lost;
    }
    if (!written.in_place) {
      return StepResult{Outcome::failed, "the registry does not show the Revoked tags after writing them", evidence};
    }
    // A confirmed quarantine is a revocation: its deadline and the state to
    // return to no longer apply.
    json removed = json::array();
    for (const char* key : {registry::k_quarantine_until_tag, registry::k_previous_state_tag}) {
      if (current->tag(key)) {
        registry.delete_version_tag(request.model, request.version, key);
        removed.push_back(key);
      }
    }
    if (!removed.empty()) {
      evidence["tags_removed"] = removed;
    }
    if (missing.empty() && removed.empty()) {
      return StepResult{Outcome::ok, "in place (checked now): tagged Revoked under " + request.incident, evidence};
    }
    auto drift = current->state() == registry::k_state_revoked
                     ? std::string()
                     : fmt::format(" (the registry said {})", current->state().empty() ? "untagged" : current->state());
    return StepResult{
        Outcome::ok,
        fmt::format("tagged Revoked{} ({} tag(s) written, {} removed)", drift, written.written.size(), removed.size()),
        evidence, true};
  };
  return step;
}

Step alias_step(Services& services, const RevokeRequest& request, const RevokeState& state)
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
  Step step{std::string(journal::step::alias), description};
  if (points_here) {
    step.intent = alias_change(request.version, state.replacement);
  }
  step.run = [&services, request, state](const StepContext& context) {
    auto& registry = services.registry;
    auto now = current_production(registry, request.model);
    if (now != request.version) {
      json evidence{{"alias", k_production_alias}, {"current", now ? json(*now) : json()}};
      std::string where = now ? "points at " + *now : std::string("is not set");
      if (const auto* cut = moved_off(context.history, request.version)) {
        // This plan moved it off in an earlier run (or an interrupted run
        // did, as its journaled intent says): still so, checked now.
        evidence["old"] = request.version;
        evidence["new"] = now ? json(*now) : json();
        evidence["cut_seq"] = cut->seq;
        return StepResult{Outcome::ok,
                          fmt::format("in place (checked now): production {}; moved off {} at {} (entry {})", where,
                                      request.version, cut->time, cut->seq),
                          evidence};
      }
      return StepResult{Outcome::skipped,
                        fmt::format("production {}, never {} in this plan: nothing to cut", where, request.version),
                        evidence};
    }
    auto replacement = state.replacement;
    auto written = write_and_observe(
        [&] {
          if (replacement) {
            registry.set_alias(request.model, k_production_alias, *replacement);
          } else {
            registry.delete_alias(request.model, k_production_alias);
          }
        },
        [&] { return current_production(registry, request.model) == replacement; });
    json evidence = alias_change(request.version, replacement);
    std::string lost;
    if (!written.lost.empty()) {
      evidence["answer_lost"] = written.lost;
      lost = " (the registry's answer was lost; read back)";
    }
    if (!written.in_place) {
      auto after = current_production(registry, request.model);
      evidence["observed"] = after ? json(*after) : json();
      return StepResult{Outcome::failed,
                        fmt::format("the registry does not show the alias change: production {}{}",
                                    after ? "points at " + *after : std::string("is not set"), lost),
                        evidence};
    }
    std::string change = replacement ? fmt::format("production {} -> {}", request.version, *replacement)
                                     : fmt::format("production alias removed (was {})", request.version);
    bool drifted = context.last_reached() != nullptr;
    return StepResult{Outcome::ok,
                      drifted ? fmt::format("production had moved back to {}; {}{}", request.version, change, lost)
                              : change + lost,
                      evidence, true};
  };
  return step;
}

} // namespace credguard::incident
