#include <credguard/core/error.hpp>
#include <credguard/jobs/bureau_purge.hpp>

#include <fmt/format.h>

namespace credguard::jobs {

BureauPurgeResult purge_bureau_cache(mysql::Client& db, const Clock& clock, const BureauPurgeOptions& options)
{
  if (options.batch_size == 0) {
    throw Error(ErrorKind::usage, "the batch size must be at least 1");
  }
  auto start = clock.steady_now();
  BureauPurgeResult result;
  // The cutoff is fixed once, on the server's clock, like the runbook's NOW().
  result.cutoff = db.query("SELECT DATE_FORMAT(NOW(), '%Y-%m-%d %H:%i:%s')").scalar().value_or("");
  if (options.dry_run) {
    auto count = db.query("SELECT COUNT(*) FROM bureau_cache WHERE expiresAt < ?", {result.cutoff}).scalar();
    result.deleted = std::stoull(count.value_or("0"));
  } else {
    auto limit = static_cast<long long>(options.batch_size);
    while (true) {
      auto batch =
          db.query("DELETE FROM bureau_cache WHERE expiresAt < ? ORDER BY expiresAt LIMIT ?", {result.cutoff, limit});
      ++result.batches;
      result.deleted += batch.affected_rows;
      if (options.on_batch) {
        options.on_batch(result.deleted);
      }
      if (batch.affected_rows < options.batch_size) {
        break;
      }
    }
  }
  result.duration = elapsed_since(clock, start);
  return result;
}

} // namespace credguard::jobs
