#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/core/time_format.hpp>
#include <credguard/incident/common_steps.hpp>
#include <credguard/incident/quarantine.hpp>
#include <credguard/incident/revoke_steps.hpp>
#include <credguard/incident/status.hpp>
#include <credguard/registry/model_version.hpp>
#include <credguard/s3/digest.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace credguard::incident {

namespace {

using nlohmann::json;

RevokeRequest as_revoke(const QuarantineRequest& request)
{
  return RevokeRequest{
      request.model, request.version, request.incident, request.reason, false, "", request.actor, request.renotify,
      false};
}

// Tags the version Quarantined with its deadline and the state to return
// to, writing only what is missing; the state first.
Step quarantine_mark_step(Services& services, const QuarantineRequest& request, const RevokeState& state)
{
  std::string target = request.model + "@" + request.version;
  std::string previous = state.version.state() == registry::k_state_quarantined
                             ? state.version.tag(registry::k_previous_state_tag).value_or("")
                             : state.version.state();
  Step step{"mark", fmt::format("mark {} Quarantined for {} (was {})", target, format_duration(request.ttl),
                                previous.empty() ? "untagged" : previous)};
  step.intent = json{{"previous_state", previous}};
  step.run = [&services, request, previous](const StepContext& context) {
    auto& registry = services.registry;
    auto current = registry.get_version(request.model, request.version);
    if (!current) {
      return StepResult{Outcome::failed, "the version is no longer in the registry", json::object()};
    }
    std::string until = format_rfc3339_seconds(context.t0 + request.ttl);
    Tags wanted = {
        {registry::k_state_tag, registry::k_state_quarantined},
        {registry::k_quarantine_until_tag, until},
        {registry::k_previous_state_tag, previous},
        {registry::k_incident_tag, request.incident},
        {registry::k_reason_tag, request.reason},
    };
    auto missing = tags_to_write(*current, wanted, {});
    auto written = write_tags(registry, request.model, request.version, missing);
    json evidence{{"previous_state", previous}, {"until", until}, {"tags_written", written.written}};
    if (!written.lost.empty()) {
      evidence["answers_lost"] = written.lost;
    }
    if (!written.in_place) {
      return StepResult{Outcome::failed, "the registry does not show the Quarantined tags after writing them",
                        evidence};
    }
    if (missing.empty()) {
      return StepResult{Outcome::ok, fmt::format("in place (checked now): tagged Quarantined until {}", until),
                        evidence};
    }
    auto drift = current->state() == registry::k_state_quarantined
                     ? std::string()
                     : fmt::format(" (the registry said {})", current->state().empty() ? "untagged" : current->state());
    return StepResult{Outcome::ok, fmt::format("tagged Quarantined until {}{}", until, drift), evidence, true};
  };
  return step;
}

json release_manifest(registry::ModelRegistry& registry, const std::string& model_name, const std::string& number,
                      const std::string& incident, const std::string& reason)
{
  auto version = registry.get_version(model_name, number);
  auto model = registry.get_model(model_name);
  json tags = json::object();
  json manifest{{"model", model_name},
                {"version", number},
                {"incident", incident},
                {"reason", reason},
                {"registry", registry.endpoint()}};
  if (version) {
    for (const auto& [key, value] : version->tags) {
      tags[key] = value;
    }
    manifest["source"] = version->source;
    manifest["run_id"] = version->run_id;
    manifest["status"] = version->status;
    manifest["creation_timestamp"] = version->creation_timestamp;
    manifest["version_aliases"] = version->aliases;
  }
  manifest["tags"] = tags;
  json aliases = json::object();
  if (model) {
    for (const auto& [alias, target] : model->aliases) {
      aliases[alias] = target;
    }
  }
  manifest["model_aliases"] = aliases;
  return manifest;
}

QuarantineEntry entry_of(const registry::ModelVersion& version)
{
  QuarantineEntry entry;
  entry.model = version.name;
  entry.version = version.version;
  entry.incident = version.tag(registry::k_incident_tag).value_or("");
  entry.reason = version.tag(registry::k_reason_tag).value_or("");
  entry.previous_state = version.tag(registry::k_previous_state_tag).value_or("");
  entry.until_text = version.tag(registry::k_quarantine_until_tag).value_or("");
  entry.until = parse_rfc3339(entry.until_text);
  return entry;
}

} // namespace

ForensicRequest forensic_request(Services& services, const std::string& model, const std::string& version,
                                 const std::string& incident, const std::string& reason, const std::string& source)
{
  ForensicRequest forensic;
  forensic.model = model;
  forensic.version = version;
  forensic.incident = incident;
  forensic.source = source;
  forensic.release_manifest = [&services, model, version, incident, reason] {
    return release_manifest(services.registry, model, version, incident, reason);
  };
  forensic.evidence_log = [&services, incident] {
    return services.incident_log ? services.incident_log(incident) : std::string();
  };
  forensic.scratch = services.scratch;
  return forensic;
}

RevokeState inspect_quarantine(Services& services, const QuarantineRequest& request)
{
  auto state = inspect_revoke(services, as_revoke(request));
  std::string target = request.model + "@" + request.version;
  if (state.version.state() == registry::k_state_revoked) {
    throw Error(ErrorKind::conflict, fmt::format("{} is already Revoked: there is nothing to quarantine", target),
                "for a forensic copy of a Revoked version, rerun its revoke with --forensic");
  }
  auto incident = state.version.tag(registry::k_incident_tag);
  if (state.version.state() == registry::k_state_quarantined && incident && *incident != request.incident) {
    throw Error(ErrorKind::conflict, fmt::format("{} is already Quarantined under {}", target, *incident),
                fmt::format("rerun with --incident {} to resume that quarantine", *incident));
  }
  return state;
}

Plan quarantine_plan(Services& services, const QuarantineRequest& request, const RevokeState& state)
{
  auto& revoke = services;
  std::string target = request.model + "@" + request.version;
  Plan plan{"quarantine", request.incident, target, request.reason, {}};
  SystemTime now = revoke.clock.now();

  events::Notice notice;
  notice.event.id = fmt::format("{}/{}/{}", request.incident, k_quarantined_event, target);
  notice.event.source = revoke.events.source;
  notice.event.type = k_quarantined_event;
  notice.event.subject = target;
  notice.event.time = now;
  notice.event.data = json{{"model", request.model},
                           {"version", request.version},
                           {"incident", request.incident},
                           {"reason", request.reason},
                           {"ttl_s", std::chrono::duration_cast<std::chrono::seconds>(request.ttl).count()},
                           {"actor", request.actor}};
  notice.summary = fmt::format("{} quarantined ({}): {}", target, request.incident, request.reason);
  notice.severity = "warning";
  ClusterEvent cluster_event{"ModelQuarantined",
                             fmt::format("{} quarantined under {}: {}", target, request.incident, request.reason),
                             "Warning", "Quarantine"};
  DenylistEntry entry{request.model, request.version, request.incident, request.reason, now};

  plan.steps.push_back(quarantine_mark_step(revoke, request, state));
  plan.steps.push_back(
      notify_step(revoke.http, revoke.events, revoke.serving, revoke.cluster, notice, cluster_event, request.renotify));
  plan.steps.push_back(denylist_step(revoke.http, revoke.serving, revoke.cluster, revoke.clock, entry));
  plan.steps.push_back(purge_step(revoke.http, revoke.purge, revoke.clock, request.model, request.version));
  plan.steps.push_back(alias_step(revoke, as_revoke(request), state));
  plan.steps.push_back(
      forensic_step(services.forensic, forensic_request(services, request.model, request.version, request.incident,
                                                        request.reason, state.version.source)));
  plan.steps.push_back(proof_step(services, request.model, request.version));
  return plan;
}

std::optional<long long> QuarantineEntry::days_left(SystemTime now) const
{
  if (!until) {
    return std::nullopt;
  }
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(*until - now).count();
  constexpr long long k_day = 24 * 3600;
  return seconds <= 0 ? 0 : (seconds + k_day - 1) / k_day;
}

std::vector<QuarantineEntry> list_quarantined(registry::ModelRegistry& registry, const std::string& model)
{
  std::string filter = fmt::format("tags.`{}` = '{}'", registry::k_state_tag, registry::k_state_quarantined);
  if (!model.empty()) {
    filter = registry::name_filter(model) + " AND " + filter;
  }
  std::vector<QuarantineEntry> entries;
  for (const auto& version : registry.search_all(filter, "")) {
    if (version.state() == registry::k_state_quarantined) {
      entries.push_back(entry_of(version));
    }
  }
  std::sort(entries.begin(), entries.end(), [](const QuarantineEntry& a, const QuarantineEntry& b) {
    return std::tie(a.until, a.model, a.version) < std::tie(b.until, b.model, b.version);
  });
  return entries;
}

QuarantineEntry quarantined_version(registry::ModelRegistry& registry, const std::string& model,
                                    const std::string& version)
{
  registry::validate_model_name(model);
  registry::validate_version_label(version);
  auto found = registry.get_version(model, version);
  if (!found) {
    throw Error(ErrorKind::data, fmt::format("{} has no version {} in {}", model, version, registry.endpoint()));
  }
  if (found->state() != registry::k_state_quarantined) {
    throw Error(ErrorKind::data,
                fmt::format("{}@{} is not Quarantined (state {})", model, version,
                            found->state().empty() ? "untagged" : found->state()),
                "credguard quarantine list shows what is quarantined");
  }
  return entry_of(*found);
}

Plan release_plan(Services& services, const QuarantineEntry& entry, const std::string& report_name,
                  const std::string& report)
{
  std::string target = entry.model + "@" + entry.version;
  Plan plan{"quarantine.release", entry.incident, target, "false positive: " + report_name, {}};
  std::string back_to = entry.previous_state;
  Step restore{"restore", fmt::format("return {} to {} and remove the quarantine tags", target,
                                      back_to.empty() ? "untagged" : back_to)};
  restore.intent = json{{"state", back_to}};
  restore.run = [&services, entry, back_to](const StepContext&) {
    auto& registry = services.registry;
    if (back_to.empty()) {
      registry.delete_version_tag(entry.model, entry.version, registry::k_state_tag);
    } else {
      registry.set_version_tag(entry.model, entry.version, registry::k_state_tag, back_to);
    }
    for (const char* key : {registry::k_quarantine_until_tag, registry::k_previous_state_tag, registry::k_incident_tag,
                            registry::k_reason_tag}) {
      registry.delete_version_tag(entry.model, entry.version, key);
    }
    auto after = registry.get_version(entry.model, entry.version);
    json evidence{{"state", back_to}, {"was", registry::k_state_quarantined}};
    if (!after || after->state() != back_to) {
      return StepResult{Outcome::failed, "the registry does not show the restored state", evidence};
    }
    return StepResult{Outcome::ok, back_to.empty() ? "state tag removed" : "state " + back_to + " restored", evidence};
  };
  Step undeny{"denylist", "remove " + target + " from the denylists"};
  undeny.run = [&services, entry](const StepContext&) {
    auto results = remove_from_denylists(services.http, services.serving, services.cluster, entry.model, entry.version,
                                         services.clock);
    json items = json::array();
    bool ok = true;
    for (const auto& result : results) {
      items.push_back(result.to_json());
      ok = ok && result.ok;
    }
    json evidence{{"denylists", items}};
    if (results.empty()) {
      return StepResult{Outcome::skipped, "no denylist configured", evidence};
    }
    return ok ? StepResult{Outcome::ok, "removed from the denylists", evidence}
              : StepResult{Outcome::failed, "a denylist still holds the version", evidence};
  };
  Step record{"report", fmt::format("attach the report {} to the journal", report_name)};
  record.run = [report_name, report](const StepContext&) {
    json evidence{
        {"file", report_name}, {"sha256", s3::sha256_hex(report)}, {"bytes", report.size()}, {"report", report}};
    return StepResult{Outcome::ok, fmt::format("report {} journaled ({} bytes)", report_name, report.size()), evidence};
  };
  plan.steps.push_back(std::move(record));
  plan.steps.push_back(std::move(restore));
  plan.steps.push_back(std::move(undeny));
  return plan;
}

} // namespace credguard::incident
