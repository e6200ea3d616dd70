#include <credguard/backup/inventory.hpp>
#include <credguard/checks/backup_kind.hpp>
#include <credguard/checks/params.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/core/time_format.hpp>

#include <fmt/format.h>

#include <filesystem>

namespace credguard::checks {

namespace {

class BackupKind final : public CheckKind {
public:
  std::string_view name() const override { return "backup"; }

  void validate(const CheckDefinition& def) const override
  {
    param_duration(def, "max_age", Millis(0));
    param_number(def, "size_tolerance", 20, 0);
    param_number(def, "compare", 7, 1);
  }

  std::vector<CheckResult> run(const CheckDefinition& def, CheckContext& context) const override
  {
    std::filesystem::path dir = required_text(def, "dir");
    auto pattern = param_text(def, "pattern").value_or("*");
    backup::FreshnessPolicy policy;
    policy.max_age = param_duration(def, "max_age", Millis(24 * 3'600'000));
    policy.size_tolerance = param_number(def, "size_tolerance", 20, 0);
    policy.compare = static_cast<std::size_t>(param_number(def, "compare", 7, 1));

    // The same assessment as `credguard backup verify`.
    auto report = backup::assess_freshness(dir, pattern, context.clock.now(), policy);
    CheckResult result;
    result.threshold = fmt::format("age < {}, size ±{} % of the median", format_duration(policy.max_age),
                                   format_number(policy.size_tolerance));
    result.detail = join(report.notes, "; ");
    switch (report.health) {
    case backup::FreshnessReport::Health::ok: result.status = Status::pass; break;
    case backup::FreshnessReport::Health::warning: result.status = Status::warn; break;
    case backup::FreshnessReport::Health::critical: result.status = Status::fail; break;
    }
    if (!report.newest) {
      return {result};
    }
    const auto& newest = *report.newest;
    result.value = static_cast<double>(report.age.count()) / 3'600'000.0;
    result.value_text =
        fmt::format("age {}, {}", format_duration(std::chrono::duration_cast<std::chrono::minutes>(report.age)),
                    format_bytes(newest.bytes));
    nlohmann::json previous = nlohmann::json::array();
    for (const auto& file : report.previous) {
      previous.push_back({{"file", file.name}, {"bytes", file.bytes}});
    }
    result.data = {
        {"dir", dir.string()},
        {"newest",
         {{"file", newest.name}, {"bytes", newest.bytes}, {"modified", format_rfc3339_seconds(newest.modified)}}},
        {"previous", previous}};
    if (report.median_bytes) {
      result.data["median_bytes"] = *report.median_bytes;
      result.data["deviation_percent"] = *report.deviation_percent;
    }
    return {result};
  }
};

} // namespace

void add_backup_kind(KindRegistry& registry)
{
  registry.add(std::make_unique<BackupKind>());
}

} // namespace credguard::checks
