#include <credguard/checks/params.hpp>
#include <credguard/checks/prometheus_kind.hpp>
#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/prometheus/client.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace credguard::checks {

namespace {

class PrometheusKind final : public CheckKind {
public:
  std::string_view name() const override { return "prometheus"; }

  void validate(const CheckDefinition& def) const override { required_text(def, "query"); }

  std::vector<std::string> required_config(const CheckDefinition& def) const override
  {
    (void)def;
    return {"prometheus.url"};
  }

  std::vector<CheckResult> run(const CheckDefinition& def, CheckContext& context) const override
  {
    auto query = required_text(def, "query");
    prometheus::Client& client = context.clients.prometheus();
    auto answer = client.query(query, context.remaining());
    if (answer.samples.empty()) {
      throw Error(ErrorKind::data,
                  fmt::format("Prometheus {}: no data for '{}' (no series matched)", client.endpoint(), query),
                  "check the metric names and labels, and that the target is scraped");
    }
    // The worst series decides; NaN (0/0, a rate over no traffic) only
    // when every series is NaN.
    bool lower_is_worse = def.threshold.direction == Threshold::Direction::below;
    auto worse = [&](const prometheus::Sample& a, const prometheus::Sample& b) {
      if (std::isnan(a.value) || std::isnan(b.value)) {
        return std::isnan(a.value) && !std::isnan(b.value);
      }
      return lower_is_worse ? a.value > b.value : a.value < b.value;
    };
    auto samples = answer.samples;
    std::sort(samples.begin(), samples.end(), [&](const auto& a, const auto& b) { return worse(b, a); });
    const auto& chosen = samples.front();

    std::vector<std::string> notes;
    if (samples.size() > 1) {
      std::vector<std::string> beyond;
      for (const auto& sample : samples) {
        if (!def.threshold.empty() && def.threshold.evaluate(sample.value) != Status::pass && beyond.size() < 5) {
          beyond.push_back(
              fmt::format("{} {}", prometheus::format_labels(sample.labels), def.threshold.format_value(sample.value)));
        }
      }
      notes.push_back(fmt::format("worst of {} series: {}", samples.size(), prometheus::format_labels(chosen.labels)));
      if (beyond.size() > 1) {
        notes.push_back("beyond the threshold: " + join(beyond, ", "));
      }
    } else if (!chosen.labels.empty()) {
      notes.push_back(prometheus::format_labels(chosen.labels));
    }
    if (std::isnan(chosen.value)) {
      notes.push_back("the query's value is NaN (a ratio over no traffic?)");
    }
    for (const auto& warning : answer.warnings) {
      notes.push_back("Prometheus warns: " + warning);
    }
    auto result = measured(def, chosen.value, join(notes, "; "));
    nlohmann::json series = nlohmann::json::array();
    for (std::size_t i = 0; i < samples.size() && i < 20; ++i) {
      series.push_back({{"labels", samples[i].labels},
                        {"value", std::isfinite(samples[i].value) ? nlohmann::json(samples[i].value)
                                                                  : nlohmann::json(format_number(samples[i].value))}});
    }
    result.data = {{"query", query}, {"series", series}, {"series_count", samples.size()}};
    return {result};
  }
};

} // namespace

void add_prometheus_kind(KindRegistry& registry)
{
  registry.add(std::make_unique<PrometheusKind>());
}

} // namespace credguard::checks
