#include <credguard/core/error.hpp>
#include <credguard/core/files.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/jobs/textfile.hpp>

#include <fmt/format.h>

#include <fstream>

namespace credguard::jobs {

namespace {

constexpr std::string_view k_last_success = "credguard_job_last_success_timestamp_seconds";

double seconds(SystemTime time)
{
  return static_cast<double>(std::chrono::duration_cast<Millis>(time.time_since_epoch()).count()) / 1000.0;
}

double previous_success(const std::filesystem::path& file)
{
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(std::string(k_last_success) + "{", 0) == 0) {
      auto space = line.rfind(' ');
      if (auto value = parse_double(line.substr(space + 1))) {
        return *value;
      }
    }
  }
  return 0;
}

} // namespace

std::string textfile_text(const JobMetrics& m, double previous_success_seconds)
{
  auto label = fmt::format("{{job=\"{}\"}}", m.job);
  double last_success = m.success ? seconds(m.finished) : previous_success_seconds;
  std::string text;
  auto add = [&](std::string_view name, std::string_view help, const std::string& value) {
    text += fmt::format("# HELP {} {}\n# TYPE {} gauge\n{}{} {}\n", name, help, name, name, label, value);
  };
  add(k_last_success, "When the job last succeeded (Unix time).", fmt::format("{:.3f}", last_success));
  add("credguard_job_last_run_timestamp_seconds", "When the job last ran (Unix time).",
      fmt::format("{:.3f}", seconds(m.finished)));
  add("credguard_job_success", "1 when the last run succeeded, else 0.", m.success ? "1" : "0");
  add("credguard_job_duration_seconds", "How long the last run took.",
      fmt::format("{:.3f}", static_cast<double>(m.duration.count()) / 1000.0));
  add("credguard_job_bytes", "Bytes the last run wrote (backup or archive size).", std::to_string(m.bytes));
  add("credguard_job_rows", "Rows the last run processed (deleted, archived, restored).", std::to_string(m.rows));
  return text;
}

void write_textfile(const std::filesystem::path& dir, const JobMetrics& metrics)
{
  auto file = dir / fmt::format("credguard_job_{}.prom", metrics.job);
  write_file_atomic(file, textfile_text(metrics, previous_success(file)));
}

} // namespace credguard::jobs
