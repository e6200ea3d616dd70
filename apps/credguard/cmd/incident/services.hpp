#pragma once

#include "cli/context.hpp"

#include <credguard/incident/services.hpp>
#include <credguard/s3/client.hpp>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace credguard::cli {

// The incident commands' services, assembled in one place from the
// configuration, and what they own (registry client, cluster, S3 client,
// the scratch directory of a forensic copy, removed on destruction).
class IncidentWiring {
public:
  // What a command needs beyond the registry, events, purge and serving.
  struct Needs {
    bool forensic = false;   // the forensic store and the incident's journal
    bool prometheus = false; // rollback's SLO queries
    bool registry = true;    // false: purge-cache, which never reads it
  };

  IncidentWiring(Context& ctx, Needs needs);
  ~IncidentWiring();
  IncidentWiring(const IncidentWiring&) = delete;
  IncidentWiring& operator=(const IncidentWiring&) = delete;

  incident::Services& services() { return *m_services; }

private:
  std::unique_ptr<registry::ModelRegistry> m_registry;
  std::unique_ptr<incident::ServingCluster> m_cluster;
  std::unique_ptr<s3::Client> m_s3;
  std::filesystem::path m_scratch;
  std::optional<incident::Services> m_services;
};

// The registry client from registry.* / MLFLOW_TRACKING_*. Throws
// Error(config) naming the keys when none is configured.
std::unique_ptr<registry::ModelRegistry> make_registry(Context& ctx);

} // namespace credguard::cli
