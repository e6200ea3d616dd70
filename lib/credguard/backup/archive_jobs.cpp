#include <credguard/backup/archive_jobs.hpp>
#include <credguard/core/error.hpp>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <array>

namespace credguard::backup {

namespace fs = std::filesystem;

std::string archive_name(SystemTime now)
{
  return fmt::format("jobs-{:%Y%m%d-%H%M%S}.sql.gz", std::chrono::time_point_cast<std::chrono::seconds>(now));
}

namespace {

std::uint64_t number(const mysql::ResultSet& result)
{
  return std::stoull(result.scalar().value_or("0"));
}

// Counts the INSERT statements per table in a --skip-extended-insert dump.
void count_inserts(const fs::path& path, std::uint64_t& jobs, std::uint64_t& scores)
{
  GzipFileReader reader(path);
  std::array<char, 65536> buffer{};
  std::string line;
  auto finish_line = [&] {
    if (line.rfind("INSERT INTO `batch_jobs` ", 0) == 0) {
      ++jobs;
    } else if (line.rfind("INSERT INTO `customer_scores` ", 0) == 0) {
      ++scores;
    }
    line.clear();
  };
  while (auto n = reader.read(buffer.data(), buffer.size())) {
    for (std::size_t i = 0; i < n; ++i) {
      if (buffer[i] == '\n') {
        finish_line();
      } else if (line.size() < 64) { // the prefix is all that matters
        line += buffer[i];
      }
    }
  }
  finish_line();
}

std::uint64_t delete_in_batches(mysql::Client& db, const std::string& sql, std::vector<mysql::Param> params,
                                std::uint64_t batch_size)
{
  params.emplace_back(static_cast<long long>(batch_size));
  std::uint64_t deleted = 0;
  while (true) {
    auto affected = db.query(sql, params).affected_rows;
    deleted += affected;
    if (affected < batch_size) {
      return deleted;
    }
  }
}

} // namespace

ArchiveResult archive_jobs(mysql::Client& db, const mysql::ConnectOptions& connect, const ArchiveOptions& options)
{
  if (options.batch_size == 0) {
    throw Error(ErrorKind::usage, "the batch size must be at least 1");
  }
  ArchiveResult result;
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(options.older_than).count();
  result.cutoff =
      db.query("SELECT DATE_FORMAT(NOW() - INTERVAL ? SECOND, '%Y-%m-%d %H:%i:%s')", {static_cast<long long>(seconds)})
          .scalar()
          .value_or("");
  // Fix the set now: rows inserted later have higher ids.
  auto max_job = static_cast<long long>(
      number(db.query("SELECT COALESCE(MAX(id), 0) FROM batch_jobs WHERE createdAt < ?", {result.cutoff})));
  auto max_score = static_cast<long long>(number(db.query("SELECT COALESCE(MAX(id), 0) FROM customer_scores")));
  const std::string jobs_where = "createdAt < ? AND id <= ?";
  const std::string scores_where = "id <= ? AND batchJobId IN (SELECT id FROM batch_jobs WHERE " + jobs_where + ")";
  result.jobs = number(db.query("SELECT COUNT(*) FROM batch_jobs WHERE " + jobs_where, {result.cutoff, max_job}));
  result.scores = number(
      db.query("SELECT COUNT(*) FROM customer_scores WHERE " + scores_where, {max_score, result.cutoff, max_job}));
  if (result.jobs == 0 || options.dry_run) {
    return result;
  }

  // The same predicates for mariadb-dump's --where (values are ours: a
  // server-formatted date and integers).
  auto literal_jobs_where = fmt::format("createdAt < '{}' AND id <= {}", result.cutoff, max_job);
  auto literal_scores_where =
      fmt::format("id <= {} AND batchJobId IN (SELECT id FROM batch_jobs WHERE {})", max_score, literal_jobs_where);
  const std::vector<std::string> rows_only = {"--skip-routines", "--skip-triggers", "--no-create-info",
                                              "--skip-extended-insert"};
  std::error_code ec;
  fs::create_directories(options.dir, ec);
  if (ec) {
    throw Error(ErrorKind::io, fmt::format("archive directory {}: {}", options.dir.string(), ec.message()));
  }
  auto path = options.dir / archive_name(options.now);
  if (fs::exists(path, ec)) {
    throw Error(ErrorKind::conflict, fmt::format("{} exists already", path.string()));
  }
  {
    GzipFileWriter writer(path);
    auto jobs_options = rows_only;
    jobs_options.push_back("--where=" + literal_jobs_where);
    dump_database(connect, connect.database, jobs_options, {"batch_jobs"}, options.tools, writer);
    auto scores_options = rows_only;
    scores_options.push_back("--where=" + literal_scores_where);
    dump_database(connect, connect.database, scores_options, {"customer_scores"}, options.tools, writer);
    result.file = writer.commit();
  }
  if (options.before_verify) {
    options.before_verify(*result.file);
  }
  auto integrity = check_integrity(path, k_dump_completed);
  std::uint64_t exported_jobs = 0;
  std::uint64_t exported_scores = 0;
  if (integrity.ok) {
    count_inserts(path, exported_jobs, exported_scores);
  }
  if (!integrity.ok || exported_jobs != result.jobs || exported_scores != result.scores) {
    auto why = integrity.ok ? fmt::format("it holds {} jobs and {} scores, the database {} and {}", exported_jobs,
                                          exported_scores, result.jobs, result.scores)
                            : integrity.problem;
    throw Error(ErrorKind::data,
                fmt::format("the export {} does not verify: {}; nothing was deleted", path.string(), why));
  }

  if (options.before_delete) {
    options.before_delete(*result.file);
  }
  // Verified: children first, so no foreign key is ever violated.
  result.deleted_scores = delete_in_batches(db, "DELETE FROM customer_scores WHERE " + scores_where + " LIMIT ?",
                                            {max_score, result.cutoff, max_job}, options.batch_size);
  result.deleted_jobs = delete_in_batches(db, "DELETE FROM batch_jobs WHERE " + jobs_where + " LIMIT ?",
                                          {result.cutoff, max_job}, options.batch_size);
  return result;
}

} // namespace credguard::backup
