#include <credguard/checks/result.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/core/time_format.hpp>

#include <algorithm>

namespace credguard::checks {

std::string_view to_string(Status status)
{
  switch (status) {
  case Status::pass: return "PASS";
  case Status::warn: return "WARN";
  case Status::fail: return "FAIL";
  case Status::unknown: return "UNKNOWN";
  case Status::skip: return "SKIP";
  }
  return "UNKNOWN";
}

std::optional<Status> parse_status(std::string_view text)
{
  for (auto status : {Status::pass, Status::warn, Status::fail, Status::unknown, Status::skip}) {
    if (iequals(text, to_string(status))) {
      return status;
    }
  }
  return std::nullopt;
}

int severity(Status status)
{
  switch (status) {
  case Status::pass:
  case Status::skip: return 0;
  case Status::warn: return 1;
  case Status::unknown: return 2;
  case Status::fail: return 3;
  }
  return 2;
}

Status worst(Status a, Status b)
{
  return severity(b) > severity(a) ? b : a;
}

ExitCode nagios_code(Status status)
{
  switch (status) {
  case Status::pass:
  case Status::skip: return ExitCode::ok;
  case Status::warn: return ExitCode::warning;
  case Status::fail: return ExitCode::critical;
  case Status::unknown: return ExitCode::unknown;
  }
  return ExitCode::unknown;
}

Status ChecklistReport::overall() const
{
  Status status = Status::pass;
  for (const auto& result : results) {
    status = worst(status, result.status);
  }
  return status;
}

std::size_t ChecklistReport::count(Status status) const
{
  return static_cast<std::size_t>(
      std::count_if(results.begin(), results.end(), [&](const CheckResult& r) { return r.status == status; }));
}

nlohmann::json to_json(const ChecklistReport& report)
{
  nlohmann::json checks = nlohmann::json::array();
  for (const auto& r : report.results) {
    nlohmann::json item = {
        {"id", r.id},
        {"title", r.title},
        {"kind", r.kind},
        {"status", to_string(r.status)},
        {"value", r.value ? nlohmann::json(*r.value) : nlohmann::json(nullptr)},
        {"value_text", r.value_text},
        {"threshold", r.threshold},
        {"action", r.action},
        {"detail", r.detail},
        {"tags", r.tags},
        {"duration_ms", r.duration.count()},
    };
    if (!r.data.empty()) {
      item["data"] = r.data;
    }
    checks.push_back(std::move(item));
  }
  nlohmann::json summary = nlohmann::json::object();
  for (auto status : {Status::pass, Status::warn, Status::fail, Status::unknown, Status::skip}) {
    summary[to_lower(to_string(status))] = report.count(status);
  }
  return nlohmann::json{
      {"schema_version", 1},
      {"checklist", report.name},
      {"title", report.title},
      {"source", report.source},
      {"started_at", format_rfc3339(report.started)},
      {"duration_ms", report.duration.count()},
      {"status", to_string(report.overall())},
      {"exit_code", to_int(report.exit_code())},
      {"summary", summary},
      {"checks", checks},
  };
}

} // namespace credguard::checks
