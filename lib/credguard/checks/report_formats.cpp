#include <credguard/checks/report_formats.hpp>
#include <credguard/core/files.hpp>
#include <credguard/core/time_format.hpp>

#include <fmt/format.h>

#include <cmath>

namespace credguard::checks {

namespace {

std::string seconds(Millis duration)
{
  return fmt::format("{:.3f}", static_cast<double>(duration.count()) / 1000.0);
}

// Label values: backslash, double quote and newline escaped.
std::string label(std::string_view value)
{
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string number(double value)
{
  if (std::isnan(value)) {
    return "NaN";
  }
  if (std::isinf(value)) {
    return value > 0 ? "+Inf" : "-Inf";
  }
  return fmt::format("{}", value);
}

void metric_header(std::string& out, const char* name, const char* help)
{
  out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n", name, help, name);
}

} // namespace

std::string xml_escape(std::string_view text)
{
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    switch (c) {
    case '&': out += "&amp;"; break;
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '"': out += "&quot;"; break;
    case '\'': out += "&apos;"; break;
    default:
      if (byte >= 0x20 || c == '\t' || c == '\n' || c == '\r') {
        out += c;
      }
    }
  }
  return out;
}

std::string to_junit(const ChecklistReport& report)
{
  std::size_t failures = report.count(Status::warn) + report.count(Status::fail);
  std::size_t errors = report.count(Status::unknown);
  std::size_t skipped = report.count(Status::skip);
  std::string suite = xml_escape(report.name);
  std::string totals = fmt::format(R"(tests="{}" failures="{}" errors="{}" skipped="{}" time="{}")",
                                   report.results.size(), failures, errors, skipped, seconds(report.duration));
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites name=\"credguard checklist {}\" {}>\n", suite, totals);
  out += fmt::format("  <testsuite name=\"{}\" {} timestamp=\"{}\" hostname=\"{}\">\n", suite, totals,
                     format_rfc3339_seconds(report.started), xml_escape(host_name()));
  for (const auto& r : report.results) {
    std::string group = r.tags.empty() ? r.kind : r.tags.front();
    out += fmt::format("    <testcase classname=\"credguard.{}.{}\" name=\"{}\" time=\"{}\"", suite, xml_escape(group),
                       xml_escape(r.id), seconds(r.duration));
    std::string message = r.value_text.empty() ? std::string(to_string(r.status))
                                               : fmt::format("{}: {}", to_string(r.status), r.value_text);
    if (!r.threshold.empty()) {
      message += fmt::format(" (threshold {})", r.threshold);
    }
    std::string body = r.detail;
    if (!r.action.empty()) {
      body += (body.empty() ? "" : "\n") + std::string("Action: ") + r.action;
    }
    switch (r.status) {
    case Status::pass: out += "/>\n"; break;
    case Status::skip:
      out += fmt::format(">\n      <skipped message=\"{}\"/>\n    </testcase>\n", xml_escape(r.detail));
      break;
    case Status::unknown:
      out += fmt::format(">\n      <error message=\"{}\" type=\"UNKNOWN\">{}</error>\n    </testcase>\n",
                         xml_escape(message), xml_escape(body));
      break;
    case Status::warn:
    case Status::fail:
      out += fmt::format(">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
                         xml_escape(message), to_string(r.status), xml_escape(body));
      break;
    }
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

std::string to_textfile(const ChecklistReport& report)
{
  std::string checklist = label(report.name);
  std::string out;
  metric_header(out, "credguard_check_status",
                "Result of each check of the last checklist run: 0 ok or skipped, 1 warning, 2 critical, 3 unknown.");
  for (const auto& r : report.results) {
    out += fmt::format("credguard_check_status{{checklist=\"{}\",check=\"{}\"}} {}\n", checklist, label(r.id),
                       to_int(nagios_code(r.status)));
  }
  metric_header(out, "credguard_check_value", "Value measured by each check of the last run, in its unit.");
  for (const auto& r : report.results) {
    if (r.value) {
      out += fmt::format("credguard_check_value{{checklist=\"{}\",check=\"{}\"}} {}\n", checklist, label(r.id),
                         number(*r.value));
    }
  }
  metric_header(out, "credguard_check_duration_seconds", "Time each check of the last run took.");
  for (const auto& r : report.results) {
    out += fmt::format("credguard_check_duration_seconds{{checklist=\"{}\",check=\"{}\"}} {}\n", checklist, label(r.id),
                       seconds(r.duration));
  }
  metric_header(out, "credguard_checklist_status", "Worst result of the last run (Nagios code).");
  out += fmt::format("credguard_checklist_status{{checklist=\"{}\"}} {}\n", checklist, to_int(report.exit_code()));
  metric_header(out, "credguard_checklist_last_run_timestamp_seconds", "When the last run started (Unix time).");
  auto started = std::chrono::duration_cast<Millis>(report.started.time_since_epoch());
  out += fmt::format("credguard_checklist_last_run_timestamp_seconds{{checklist=\"{}\"}} {}\n", checklist,
                     seconds(started));
  metric_header(out, "credguard_checklist_duration_seconds", "Wall time of the last run.");
  out +=
      fmt::format("credguard_checklist_duration_seconds{{checklist=\"{}\"}} {}\n", checklist, seconds(report.duration));
  return out;
}

std::string textfile_name(std::string_view checklist)
{
  std::string name = "credguard_checklist_";
  for (char c : checklist) {
    bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    name += safe ? c : '_';
  }
  return name + ".prom";
}

} // namespace credguard::checks
