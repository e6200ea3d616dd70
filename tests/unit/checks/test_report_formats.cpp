#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include <credguard/checks/report_formats.hpp>
#include <credguard/core/time_format.hpp>

#include <catch2/catch.hpp>

#include <regex>

using namespace credguard;
using namespace credguard::checks;

namespace {

CheckResult result(const std::string& id, Status status, std::optional<double> value, const std::string& detail)
{
  CheckResult r;
  r.id = id;
  r.kind = "log_patterns";
  r.tags = {"logs"};
  r.status = status;
  r.value = value;
  r.value_text = value ? std::to_string(static_cast<int>(*value)) + " lines" : "";
  r.threshold = "< 1 lines";
  r.detail = detail;
  r.action = "Read the <log> & escalate";
  r.duration = Millis(1234);
  return r;
}

ChecklistReport sample()
{
  ChecklistReport report;
  report.name = "daily";
  report.started = *parse_rfc3339("2026-11-23T08:00:00Z");
  report.duration = Millis(2500);
  report.results = {
      result("cpu", Status::pass, 12, "fine"),
      result("backend-log", Status::fail, 3, "newest: CRITICAL \"db\" <pool> & 'x' \x01\x1b[31m"),
      result("nginx-log", Status::warn, 1, "one [crit]"),
      result("tls:api:443", Status::unknown, std::nullopt, "connect: refused"),
      result("services", Status::skip, std::nullopt, "not configured: set services.units"),
  };
  return report;
}

} // namespace

TEST_CASE("junit: counts, one testcase per result, failures, errors and skips")
{
  auto xml = to_junit(sample());
  CHECK(xml.find(R"(<testsuites name="credguard checklist daily" tests="5" failures="2" errors="1" skipped="1" )"
                 R"(time="2.500">)") != std::string::npos);
  CHECK(xml.find(R"(<testcase classname="credguard.daily.logs" name="cpu" time="1.234"/>)") != std::string::npos);
  CHECK(xml.find(R"x(<failure message="FAIL: 3 lines (threshold &lt; 1 lines)" type="FAIL">)x") != std::string::npos);
  CHECK(xml.find(R"(type="WARN")") != std::string::npos);
  CHECK(xml.find(R"x(<error message="UNKNOWN (threshold &lt; 1 lines)" type="UNKNOWN">connect: refused)x") !=
        std::string::npos);
  CHECK(xml.find(R"(<skipped message="not configured: set services.units"/>)") != std::string::npos);
  CHECK(xml.find("Action: Read the &lt;log&gt; &amp; escalate") != std::string::npos);
  CHECK(xml.find('\x01') == std::string::npos); // not allowed in XML 1.0
  CHECK(xml.find('\x1b') == std::string::npos);
}

TEST_CASE("junit: a real XML parser accepts the document, hostile text included")
{
  test::TempDir dir;
  auto file = dir.write("report.xml", to_junit(sample()));
  auto check = test::run_process({"/usr/bin/xmllint", "--noout", file.string()}, test::base_env());
  INFO(check.err);
  CHECK(check.exit_code == 0);
  auto text = test::run_process(
      {"/usr/bin/xmllint", "--xpath", "string(//testcase[@name='backend-log']/failure)", file.string()},
      test::base_env());
  CHECK(text.out.find("newest: CRITICAL \"db\" <pool> & 'x' [31m") == 0); // decoded back
}

TEST_CASE("textfile: one sample per check and metric, labels escaped, in the exposition format")
{
  auto report = sample();
  report.results[0].id = "disk:/var/lib/\"odd\"\\dir";
  auto text = to_textfile(report);
  CHECK(text.find("# TYPE credguard_check_status gauge\n") != std::string::npos);
  CHECK(text.find("credguard_check_status{checklist=\"daily\",check=\"disk:/var/lib/\\\"odd\\\"\\\\dir\"} 0\n") !=
        std::string::npos);
  CHECK(text.find("credguard_check_status{checklist=\"daily\",check=\"backend-log\"} 2\n") != std::string::npos);
  CHECK(text.find("credguard_check_status{checklist=\"daily\",check=\"nginx-log\"} 1\n") != std::string::npos);
  CHECK(text.find("credguard_check_status{checklist=\"daily\",check=\"tls:api:443\"} 3\n") != std::string::npos);
  CHECK(text.find("credguard_check_status{checklist=\"daily\",check=\"services\"} 0\n") != std::string::npos);
  CHECK(text.find("credguard_check_value{checklist=\"daily\",check=\"backend-log\"} 3\n") != std::string::npos);
  CHECK(text.find("credguard_check_value{checklist=\"daily\",check=\"services\"}") == std::string::npos);
  CHECK(text.find("credguard_check_duration_seconds{checklist=\"daily\",check=\"nginx-log\"} 1.234\n") !=
        std::string::npos);
  CHECK(text.find("credguard_checklist_status{checklist=\"daily\"} 2\n") != std::string::npos);
  CHECK(text.find("credguard_checklist_last_run_timestamp_seconds{checklist=\"daily\"} 1795420800.000\n") !=
        std::string::npos);
  CHECK(text.find("credguard_checklist_duration_seconds{checklist=\"daily\"} 2.500\n") != std::string::npos);
  // Every sample line: name{labels} value.
  std::regex sample_line(R"(^[a-z_]+\{checklist="daily"(,check="(\\.|[^"\\])*")?\} -?[0-9.]+(e[+-]?[0-9]+)?$)");
  std::size_t samples = 0;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("#")) {
      INFO(line);
      CHECK(std::regex_match(line, sample_line));
      ++samples;
    }
  }
  CHECK(samples == 5 + 3 + 5 + 3);
  CHECK(textfile_name("daily") == "credguard_checklist_daily.prom");
  CHECK(textfile_name("../x") == "credguard_checklist____x.prom");
}
