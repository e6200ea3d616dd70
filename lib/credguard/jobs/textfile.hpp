#pragma once

#include <credguard/core/clock.hpp>

#include <cstdint>
#include <filesystem>
#include <string>

namespace credguard::jobs {

// One run of a job, as exported to Prometheus.
struct JobMetrics {
  std::string job; // e.g. "backup-run"; a label value
  bool success = false;
  SystemTime finished;
  Millis duration{0};
  std::uint64_t bytes = 0;
  std::uint64_t rows = 0;
};

// Writes `<dir>/credguard_job_<job>.prom` for node_exporter's textfile
// collector, atomically (a reader never sees half a file):
// credguard_job_last_success_timestamp_seconds, _last_run_timestamp_seconds,
// _success, _duration_seconds, _bytes, _rows, each labelled {job="..."}.
// A failed run keeps the last success timestamp of the previous file.
// Throws Error(io) naming the file.
void write_textfile(const std::filesystem::path& dir, const JobMetrics& metrics);

// The metrics file's text for `metrics`, given the previous last-success
// timestamp (0 when none): what write_textfile writes.
std::string textfile_text(const JobMetrics& metrics, double previous_success_seconds);

} // namespace credguard::jobs
