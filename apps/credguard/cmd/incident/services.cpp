#include "cmd/incident/services.hpp"

#include "cmd/incident/kube_cluster.hpp"

#include <credguard/core/error.hpp>
#include <credguard/core/files.hpp>
#include <credguard/registry/mlflow_client.hpp>
#include <credguard/s3/settings.hpp>

#include <fmt/format.h>

#include <unistd.h>

namespace credguard::cli {

namespace {

std::string incident_log(Context& ctx, const std::string& incident)
{
  journal::Filter filter;
  filter.incident = incident;
  std::string lines;
  for (const auto& entry : ctx.journal(journal::Journal::Mode::read_write).list(filter)) {
    lines += entry.to_json().dump() + "\n";
  }
  return lines;
}

// For a command that needs no registry: any use is a configuration error.
class NoRegistry final : public registry::ModelRegistry {
public:
  std::string endpoint() const override { return "(no registry)"; }
  std::optional<registry::RegisteredModel> get_model(const std::string&) override { fail(); }
  std::optional<registry::ModelVersion> get_version(const std::string&, const std::string&) override { fail(); }
  registry::SearchPage search_versions(const registry::SearchQuery&) override { fail(); }
  std::optional<registry::ModelVersion> get_alias(const std::string&, const std::string&) override { fail(); }
  void set_alias(const std::string&, const std::string&, const std::string&) override { fail(); }
  void delete_alias(const std::string&, const std::string&) override { fail(); }
  void set_version_tag(const std::string&, const std::string&, const std::string&, const std::string&) override
  {
    fail();
  }
  void delete_version_tag(const std::string&, const std::string&, const std::string&) override { fail(); }

private:
  [[noreturn]] static void fail() { throw Error(ErrorKind::internal, "this command does not read the model registry"); }
};

} // namespace

std::unique_ptr<registry::ModelRegistry> make_registry(Context& ctx)
{
  auto options = registry::mlflow_options(ctx.config(), ctx.env(), ctx.redactor());
  if (!options) {
    throw Error(ErrorKind::config, "no model registry configured: registry.url is not set",
                "set registry.url (or CREDGUARD_REGISTRY_URL, or MLFLOW_TRACKING_URI) to the MLflow server");
  }
  return std::make_unique<registry::MlflowClient>(std::move(*options), ctx.http());
}

IncidentWiring::IncidentWiring(Context& ctx, Needs needs)
  : m_registry(needs.registry ? make_registry(ctx) : std::make_unique<NoRegistry>())
{
  const Config& config = ctx.config();
  // The Deployment Event, the denylist ConfigMap and the CronJob suspend
  // need a cluster; without one those steps say so and are skipped.
  if (k8s::Client* client = ctx.kubernetes()) {
    m_cluster = std::make_unique<KubeServingCluster>(*client);
  }
  m_services.emplace(incident::Services{*m_registry, ctx.http(), ctx.clock(),
                                        events::events_options(config, host_name()), incident::purge_targets(config),
                                        incident::serving_options(config), m_cluster.get()});
  auto& services = *m_services;
  if (needs.forensic) {
    auto settings = s3::load_settings(config, ctx.env());
    if (!settings.forensic_bucket.empty()) {
      m_s3 = s3::make_client(settings, ctx.env(), ctx.redactor(), ctx.http(), ctx.clock(), ctx.log());
    }
    services.forensic =
        incident::ForensicStore{m_s3.get(), settings.forensic_bucket, settings.lock_mode, settings.lock_retention};
    services.incident_log = [&ctx](const std::string& incident) { return incident_log(ctx, incident); };
    m_scratch = std::filesystem::temp_directory_path() / fmt::format("credguard-forensic-{}", ::getpid());
    services.scratch = m_scratch;
  }
  if (needs.prometheus) {
    services.prometheus = &ctx.prometheus();
  }
}

IncidentWiring::~IncidentWiring()
{
  if (!m_scratch.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(m_scratch, ignored);
  }
}

} // namespace credguard::cli
