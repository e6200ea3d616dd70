#include <credguard/checks/drift_kind.hpp>
#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/drift/csv_source.hpp>
#include <credguard/drift/psi.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <sstream>

namespace credguard::checks {

namespace {

[[noreturn]] void bad_param(const CheckDefinition& def, std::string_view key, std::string_view problem)
{
  throw Error(ErrorKind::config, fmt::format("{}: {}.params.{}: {}", def.location, def.id, key, problem));
}

// A path param: required in the definition, but null while the
// configuration key it refers to is unset (the check is then skipped).
std::string path_param(const CheckDefinition& def, const char* key)
{
  auto node = def.params[key];
  if (!node) {
    bad_param(def, key, "is required (a CSV file)");
  }
  if (node.IsNull()) {
    return "";
  }
  if (!node.IsScalar() || node.Scalar().empty() || node.Scalar() == "-") {
    bad_param(def, key, "expected the path of a CSV file");
  }
  return node.Scalar();
}

std::vector<std::string> list_param(const CheckDefinition& def, const Config& config, const char* key)
{
  auto node = def.params[key];
  if (!node || node.IsNull()) {
    return config.get_list(std::string("drift.") + key);
  }
  if (node.IsScalar()) {
    return split_list(node.Scalar());
  }
  if (!node.IsSequence()) {
    bad_param(def, key, "expected a list of column names");
  }
  std::vector<std::string> out;
  for (const auto& item : node) {
    out.push_back(item.as<std::string>());
  }
  return out;
}

std::size_t bins_param(const CheckDefinition& def, const Config& config)
{
  auto node = def.params["bins"];
  std::optional<long long> bins = 10;
  if (node && node.IsScalar()) {
    bins = parse_int(node.Scalar());
  } else if (auto configured = config.get_int("drift.bins")) {
    bins = configured;
  }
  if (!bins || *bins < 2 || *bins > 1000) {
    bad_param(def, "bins", "expected a whole number from 2 to 1000");
  }
  return static_cast<std::size_t>(*bins);
}

class DriftKind final : public CheckKind {
public:
  std::string_view name() const override { return "drift"; }

  void validate(const CheckDefinition& def) const override
  {
    path_param(def, "baseline");
    path_param(def, "current");
    auto node = def.params["bins"];
    if (node && !node.IsNull() && (!node.IsScalar() || !parse_int(node.Scalar()))) {
      bad_param(def, "bins", "expected a whole number from 2 to 1000");
    }
  }

  std::vector<CheckResult> run(const CheckDefinition& def, CheckContext& context) const override
  {
    drift::PsiOptions options;
    options.features = list_param(def, context.config, "features");
    options.categorical = list_param(def, context.config, "categorical");
    options.bins = bins_param(def, context.config);
    std::istringstream no_input;
    auto baseline = drift::open_csv(path_param(def, "baseline"), no_input);
    auto current = drift::open_csv(path_param(def, "current"), no_input);
    auto report = drift::compute_psi(*baseline, *current, options);
    auto worst = std::max_element(report.features.begin(), report.features.end(),
                                  [](const auto& a, const auto& b) { return a.psi < b.psi; });
    auto result =
        measured(def, report.max_psi,
                 fmt::format("max PSI {:.4f} on {} ({}); {} feature{}, {} vs {} rows", report.max_psi, worst->name,
                             drift::to_string(worst->band), report.features.size(),
                             report.features.size() == 1 ? "" : "s", report.baseline_rows, report.current_rows));
    nlohmann::json features = nlohmann::json::object();
    for (const auto& feature : report.features) {
      features[feature.name] = feature.psi;
    }
    result.data = {{"psi", features}, {"band", drift::to_string(report.band)}};
    return {result};
  }
};

} // namespace

void add_drift_kind(KindRegistry& registry)
{
  registry.add(std::make_unique<DriftKind>());
}

} // namespace credguard::checks
