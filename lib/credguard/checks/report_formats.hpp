#pragma once

#include <credguard/checks/result.hpp>

#include <string>
#include <string_view>

namespace credguard::checks {

// The report as JUnit XML for CI dashboards: one <testsuite> named after
// the checklist, one <testcase> per result (classname
// credguard.<checklist>.<first tag>); WARN and FAIL are <failure> (type
// WARN/FAIL), UNKNOWN an <error>, SKIP <skipped>. The message carries the
// value and threshold, the body the detail and the runbook's action.
std::string to_junit(const ChecklistReport& report);

// The report as Prometheus text exposition for node_exporter's textfile
// collector: credguard_check_status{checklist,check} (0 ok or skipped,
// 1 warning, 2 critical, 3 unknown), credguard_check_value (measured
// values), credguard_check_duration_seconds, and per checklist
// credguard_checklist_status, credguard_checklist_last_run_timestamp_seconds
// and credguard_checklist_duration_seconds.
std::string to_textfile(const ChecklistReport& report);

// The file the metrics of `checklist` go to in a textfile directory:
// credguard_checklist_<name>.prom (node_exporter reads *.prom).
std::string textfile_name(std::string_view checklist);

// Escapes text for XML content and attributes; drops characters XML 1.0
// cannot carry (control characters other than tab, newline, return).
std::string xml_escape(std::string_view text);

} // namespace credguard::checks
