#pragma once

#include <credguard/core/clock.hpp>
#include <credguard/events/notifier.hpp>
#include <credguard/http/transport.hpp>
#include <credguard/incident/cluster.hpp>
#include <credguard/incident/denylist.hpp>
#include <credguard/incident/forensic.hpp>
#include <credguard/incident/purge.hpp>
#include <credguard/prometheus/client.hpp>
#include <credguard/registry/registry.hpp>

#include <filesystem>
#include <functional>
#include <string>

namespace credguard::incident {

// Everything the incident plans talk to, assembled once per command (see
// the CLI's wire_incident) and passed down. Must outlive the plans built
// over it.
struct Services {
  registry::ModelRegistry& registry;
  http::Transport& http;
  const Clock& clock;
  events::EventsOptions events;
  PurgeTargets purge;
  ServingOptions serving;
  ServingCluster* cluster = nullptr; // nullptr: Kubernetes is not configured
  // The forensic store; its client is nullptr when S3 is not configured or
  // the command needs no forensic copy.
  ForensicStore forensic = {};
  // The incident's journal entries as JSON lines (for the forensic copy).
  std::function<std::string(const std::string& incident)> incident_log = nullptr;
  std::filesystem::path scratch = {};       // downloads of the forensic copy
  prometheus::Client* prometheus = nullptr; // nullptr: no SLO queries possible
};

} // namespace credguard::incident
