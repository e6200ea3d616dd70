#include "support/temp_dir.hpp"

#include <credguard/jobs/textfile.hpp>

#include <catch2/catch.hpp>

#include <filesystem>

using namespace credguard;

namespace {

SystemTime at(long long seconds)
{
  return SystemTime(std::chrono::seconds(seconds));
}

} // namespace

TEST_CASE("textfile: a success writes every metric with the job label")
{
  test::TempDir dir;
  jobs::write_textfile(dir.path(), {"backup-run", true, at(1'795'420'800), Millis(2500), 12345, 0});
  auto text = test::slurp(dir / "credguard_job_backup-run.prom");
  CHECK_THAT(text,
             Catch::Contains("credguard_job_last_success_timestamp_seconds{job=\"backup-run\"} 1795420800.000\n"));
  CHECK_THAT(text, Catch::Contains("credguard_job_duration_seconds{job=\"backup-run\"} 2.500\n"));
  CHECK_THAT(text, Catch::Contains("credguard_job_bytes{job=\"backup-run\"} 12345\n"));
  CHECK_THAT(text, Catch::Contains("credguard_job_rows{job=\"backup-run\"} 0\n"));
  CHECK_THAT(text, Catch::Contains("credguard_job_success{job=\"backup-run\"} 1\n"));
  CHECK_THAT(text, Catch::Contains("# TYPE credguard_job_bytes gauge\n"));
  // Nothing but the .prom file (the temporary file was renamed).
  CHECK(std::distance(std::filesystem::directory_iterator(dir.path()), {}) == 1);
}

TEST_CASE("textfile: a failure keeps the previous success time and says it failed")
{
  test::TempDir dir;
  jobs::write_textfile(dir.path(), {"purge-bureau", true, at(1000), Millis(10), 0, 7});
  jobs::write_textfile(dir.path(), {"purge-bureau", false, at(5000), Millis(20), 0, 0});
  auto text = test::slurp(dir / "credguard_job_purge-bureau.prom");
  CHECK_THAT(text, Catch::Contains("credguard_job_last_success_timestamp_seconds{job=\"purge-bureau\"} 1000.000\n"));
  CHECK_THAT(text, Catch::Contains("credguard_job_last_run_timestamp_seconds{job=\"purge-bureau\"} 5000.000\n"));
  CHECK_THAT(text, Catch::Contains("credguard_job_success{job=\"purge-bureau\"} 0\n"));
  // A job that never succeeded reports 0.
  CHECK_THAT(jobs::textfile_text({"x", false, at(5), Millis(1), 0, 0}, 0),
             Catch::Contains("credguard_job_last_success_timestamp_seconds{job=\"x\"} 0.000\n"));
}
