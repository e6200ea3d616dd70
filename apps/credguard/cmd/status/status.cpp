#include "cmd/status/status.hpp"

#include "cmd/incident/services.hpp"

#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/core/table.hpp>
#include <credguard/core/time_format.hpp>
#include <credguard/incident/status.hpp>
#include <credguard/registry/model_version.hpp>

#include <fmt/format.h>

namespace credguard::cli {

namespace {

// The journal's entries about model@version (the purges' times), oldest
// first; none when there is no journal yet.
std::vector<journal::Entry> entries_about(Context& ctx, const std::string& target)
{
  std::vector<journal::Entry> entries;
  if (!std::filesystem::exists(ctx.journal_path())) {
    return entries;
  }
  for (auto& entry : ctx.journal(journal::Journal::Mode::read_only).list({})) {
    if (entry.what.target == target) {
      entries.push_back(std::move(entry));
    }
  }
  return entries;
}

Color color_of(incident::Standing standing)
{
  switch (standing) {
  case incident::Standing::blocked: return Color::green;
  case incident::Standing::serving: return Color::red;
  case incident::Standing::unknown: return Color::yellow;
  }
  return Color::none;
}

void print_proof(Context& ctx, const incident::Proof& proof)
{
  ctx.out() << fmt::format("{}@{} ({}): checked at {}\n", proof.model, proof.version,
                           proof.state.empty() ? "untagged" : proof.state, format_rfc3339_seconds(ctx.clock().now()));
  Table table({"KIND", "WHERE", "STANDING", "DETAIL"});
  for (const auto& place : proof.places) {
    table.add_row({place.kind, place.where,
                   Cell(std::string(incident::to_string(place.standing)), color_of(place.standing)), place.detail});
  }
  table.render(ctx.out(), ctx.color());
  bool bad = proof.must_be_blocked() && !proof.blocked_everywhere();
  ctx.out() << (proof.blocked_everywhere() ? "BLOCKED everywhere"
                : bad                      ? "MAY STILL SERVE"
                                           : "Verdict")
            << fmt::format(": {} ({}).\n\n", escape_controls(proof.headline()), format_duration(proof.took));
}

} // namespace

int run_status(const StatusOptions& options, Context& ctx)
{
  auto format = ctx.output_format({OutputFormat::table, OutputFormat::json});
  registry::validate_model_name(options.model);
  if (!options.version.empty()) {
    registry::validate_version_label(options.version);
  }
  IncidentWiring wiring(ctx, {});
  auto& services = wiring.services();
  std::vector<std::string> versions;
  if (!options.version.empty()) {
    versions.push_back(options.version);
  } else {
    if (!services.registry.get_model(options.model)) {
      throw Error(ErrorKind::data,
                  fmt::format("model \"{}\" is not registered in {}", options.model, services.registry.endpoint()));
    }
    for (const auto& version :
         services.registry.search_all(registry::name_filter(options.model), "version_number DESC")) {
      if (version.state() == registry::k_state_revoked || version.state() == registry::k_state_quarantined) {
        versions.push_back(version.version);
      }
    }
  }
  std::vector<incident::Proof> proofs;
  for (const auto& version : versions) {
    proofs.push_back(
        incident::observe_status(services, options.model, version, entries_about(ctx, options.model + "@" + version)));
  }
  bool serving = std::any_of(proofs.begin(), proofs.end(), [](const incident::Proof& proof) {
    return proof.must_be_blocked() && !proof.blocked_everywhere();
  });
  int code = to_int(serving ? ExitCode::critical : ExitCode::ok);
  if (format == OutputFormat::json) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& proof : proofs) {
      items.push_back(proof.to_json());
    }
    ctx.out() << nlohmann::json{{"schema_version", 1},
                                {"model", options.model},
                                {"checked_at", format_rfc3339(ctx.clock().now())},
                                {"versions", items},
                                {"exit_code", code}}
                     .dump(2)
              << '\n';
    return code;
  }
  if (proofs.empty()) {
    ctx.out() << fmt::format("{} has no Revoked or Quarantined version.\n", options.model);
  }
  for (const auto& proof : proofs) {
    print_proof(ctx, proof);
  }
  return code;
}

void add_status(CLI::App& cmd, Context& ctx, RunFn<StatusOptions> run)
{
  auto options = std::make_shared<StatusOptions>();
  cmd.add_option("MODEL", options->model, "Registered model name")->required();
  cmd.add_option("VERSION", options->version, "Version (default: every Revoked or Quarantined version)");
  cmd.footer("Reads, and changes nothing: the version's state tag, the aliases that point at it, the gateway\n"
             "denylist and the denylist ConfigMap, every cache endpoint's read-back (TorchServe, Triton, the\n"
             "CDN; a layer without one counts when the journal has its verified purge), and the model's\n"
             "CronJobs. A Revoked or Quarantined version is BLOCKED everywhere or MAY STILL SERVE, with\n"
             "the places. Exit: 0 blocked everywhere, 2 may still serve, 65 unknown model or version,\n"
             "69 registry unreachable (nothing claimed), 77 registry auth.");
  on_parsed<StatusOptions>(cmd, ctx, options, std::move(run));
}

} // namespace credguard::cli
