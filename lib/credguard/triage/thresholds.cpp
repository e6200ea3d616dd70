#include <credguard/core/error.hpp>
#include <credguard/triage/thresholds.hpp>

#include <fmt/format.h>

#include <functional>

namespace credguard::triage {

namespace {

using Origin = std::function<std::string(std::string_view)>;

void check(bool ok, const Origin& origin, std::string_view key, const std::string& problem)
{
  if (!ok) {
    std::string where = origin(key);
    throw Error(ErrorKind::config, fmt::format("{}triage.{}: {}", where.empty() ? "" : where + ": ", key, problem),
                "see the triage section of examples/config.yaml");
  }
}

void validate(const Thresholds& t, const Origin& origin)
{
  for (auto [key, value] : {std::pair<std::string_view, double>{"risk_monitor_from", t.risk_monitor_from},
                            {"risk_false_positive_below", t.risk_false_positive_below},
                            {"risk_rollback_from", t.risk_rollback_from}}) {
    check(value >= 0.0 && value <= 1.0, origin, key, fmt::format("must be between 0 and 1, got {}", value));
  }
  check(t.risk_monitor_from <= t.risk_false_positive_below, origin, "risk_monitor_from",
        fmt::format("must not be above risk_false_positive_below ({})", t.risk_false_positive_below));
  check(t.risk_false_positive_below <= t.risk_rollback_from, origin, "risk_false_positive_below",
        fmt::format("must not be above risk_rollback_from ({})", t.risk_rollback_from));
  check(t.heartbeat_suspicious_from >= 1, origin, "heartbeat_suspicious_from",
        fmt::format("must be at least 1, got {}", t.heartbeat_suspicious_from));
  check(t.heartbeat_compromise_from >= t.heartbeat_suspicious_from, origin, "heartbeat_compromise_from",
        fmt::format("must not be below heartbeat_suspicious_from ({})", t.heartbeat_suspicious_from));
  check(t.several_capsules >= 2, origin, "several_capsules",
        fmt::format("must be at least 2, got {}", t.several_capsules));
  check(t.capsule_window.count() > 0, origin, "capsule_window", "must be longer than zero");
}

} // namespace

Thresholds thresholds_from(const Config& config)
{
  Thresholds t;
  t.risk_monitor_from = config.get_number("triage.risk_monitor_from").value_or(t.risk_monitor_from);
  t.risk_false_positive_below =
      config.get_number("triage.risk_false_positive_below").value_or(t.risk_false_positive_below);
  t.risk_rollback_from = config.get_number("triage.risk_rollback_from").value_or(t.risk_rollback_from);
  t.heartbeat_suspicious_from =
      config.get_int("triage.heartbeat_suspicious_from").value_or(t.heartbeat_suspicious_from);
  t.heartbeat_compromise_from =
      config.get_int("triage.heartbeat_compromise_from").value_or(t.heartbeat_compromise_from);
  t.several_capsules = config.get_int("triage.several_capsules").value_or(t.several_capsules);
  t.capsule_window = config.get_duration("triage.capsule_window").value_or(t.capsule_window);
  validate(t, [&](std::string_view key) {
    std::string dotted = "triage." + std::string(key);
    return config.has(dotted) ? config.origin(dotted) : std::string();
  });
  return t;
}

void validate(const Thresholds& t)
{
  validate(t, [](std::string_view) { return std::string(); });
}

nlohmann::json to_json(const Thresholds& t)
{
  return {{"risk_monitor_from", t.risk_monitor_from},
          {"risk_false_positive_below", t.risk_false_positive_below},
          {"risk_rollback_from", t.risk_rollback_from},
          {"heartbeat_suspicious_from", t.heartbeat_suspicious_from},
          {"heartbeat_compromise_from", t.heartbeat_compromise_from},
          {"several_capsules", t.several_capsules},
          {"capsule_window_ms", t.capsule_window.count()}};
}

} // namespace credguard::triage
