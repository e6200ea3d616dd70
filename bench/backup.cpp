// Benchmark: the cron jobs against a real MariaDB (a private server under
// /dev/shm or $TMPDIR, stopped and removed on exit, on failure and on
// SIGINT/SIGTERM).
//
// 1. `credguard backup run` over a database of a few hundred MB against the
//    reference `mariadb-dump --single-transaction --quick ... | gzip -6 >
//    file` on the same database: wall time, MB/s of uncompressed dump,
//    output size, peak RSS (wait4 rusage: the process and its children; and
//    credguard's own VmHWM).
// 2. `credguard purge-cache bureau --batch-size 5000` deleting 1M expired
//    rows against one `DELETE FROM bureau_cache WHERE expiresAt < NOW()`:
//    wall time, and the longest single DELETE transaction (the server's
//    slow query log with long_query_time 0).
//
// Usage: bench_backup_bin [SCORE_ROWS_LOG2 [BUREAU_ROWS]] (defaults 11: 750 x
// 2^11 = 1.5M score rows, and 1,000,000 bureau rows).
#include "support/mariadb.hpp"
#include "support/temp_dir.hpp"

#include <credguard/mysql/client.hpp>

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

using namespace credguard;
using namespace credguard::test;
namespace fs = std::filesystem;
using Steady = std::chrono::steady_clock;

namespace {

double seconds_since(Steady::time_point start)
{
  return std::chrono::duration<double>(Steady::now() - start).count();
}

// What must be undone however the benchmark ends. A signal handler can only
// write to a pipe; a thread reading it stops the server, removes the files
// and exits 130. The one mutable global is that pipe's write end.
struct Cleanup {
  std::mutex mutex;
  std::optional<MariaDbEndpoint> server;
  fs::path work;
  pid_t child = -1; // process group of the command being measured
  bool interrupted = false;

  void run()
  {
    if (child > 0) {
      ::kill(-child, SIGKILL);
    }
    if (server) {
      stop_mariadb(*server); // stops mariadbd and removes its directory
      server.reset();
    }
    std::error_code ec;
    fs::remove_all(work, ec);
  }
};

int g_signal_pipe = -1;

void on_signal(int signal_number)
{
  auto byte = static_cast<char>(signal_number);
  [[maybe_unused]] auto written = ::write(g_signal_pipe, &byte, 1);
}

void watch_signals(Cleanup& cleanup)
{
  int fds[2];
  if (::pipe(fds) != 0) {
    throw std::runtime_error("pipe failed");
  }
  g_signal_pipe = fds[1];
  struct sigaction action {};
  action.sa_handler = on_signal;
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
  std::thread([&cleanup, read_end = fds[0]] {
    char byte = 0;
    while (::read(read_end, &byte, 1) != 1) {
    }
    std::lock_guard lock(cleanup.mutex);
    cleanup.interrupted = true;
    if (cleanup.server) {
      fmt::print(stderr, "\ninterrupted: stopping MariaDB and removing {}\n", cleanup.work.string());
      cleanup.run();
      ::_exit(130);
    }
    // The server is still starting: main cleans up once it knows it.
  }).detach();
}

struct Measured {
  int exit_code = -1;
  double wall_s = 0;
  long max_rss_kb = 0; // wait4: the largest of the process and its waited-for children
  long own_hwm_kb = 0; // the process's own VmHWM, sampled
  std::string stderr_text;
};

long vm_hwm_kb(pid_t pid)
{
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) {
      return std::stol(line.substr(6));
    }
  }
  return 0;
}

// Runs argv in its own process group, stdout to `out`, stderr to a file.
Measured run_measured(Cleanup& cleanup, const std::vector<std::string>& argv, const fs::path& out)
{
  auto err = cleanup.work / "stderr.txt";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setpgroup(&attributes, 0);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  std::vector<char*> args;
  for (const auto& arg : argv) {
    args.push_back(const_cast<char*>(arg.c_str()));
  }
  args.push_back(nullptr);
  Measured measured;
  auto start = Steady::now();
  pid_t pid = -1;
  {
    std::lock_guard lock(cleanup.mutex);
    if (::posix_spawn(&pid, args[0], &actions, &attributes, args.data(), environ) != 0) {
      throw std::runtime_error("cannot run " + argv[0]);
    }
    cleanup.child = pid;
  }
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  int status = 0;
  rusage usage{};
  while (::wait4(pid, &status, WNOHANG, &usage) == 0) {
    measured.own_hwm_kb = std::max(measured.own_hwm_kb, vm_hwm_kb(pid));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  measured.wall_s = seconds_since(start);
  {
    std::lock_guard lock(cleanup.mutex);
    cleanup.child = -1;
  }
  measured.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  measured.max_rss_kb = usage.ru_maxrss;
  measured.stderr_text = slurp(err);
  if (measured.exit_code != 0) {
    throw std::runtime_error(fmt::format("{} exited {}: {}", argv[0], measured.exit_code, measured.stderr_text));
  }
  return measured;
}

mysql::ConnectOptions connect_to(const PlatformDatabase& db)
{
  mysql::ConnectOptions options;
  options.host = "127.0.0.1";
  options.port = static_cast<unsigned int>(db.server().port);
  options.user = k_mariadb_user;
  options.password = Secret(k_mariadb_password);
  options.database = db.name();
  options.read_timeout = std::chrono::minutes(10);
  options.write_timeout = std::chrono::minutes(10);
  return options;
}

std::uint64_t number(mysql::Client& client, const std::string& sql)
{
  return std::stoull(client.query(sql).scalar().value_or("0"));
}

// 1 batch job; `seed` score rows doubled `doublings` times with INSERT ... SELECT.
void generate_scores(mysql::Client& client, int seed, int doublings)
{
  client.query("INSERT INTO batch_jobs (status, fileName, produto, createdAt) VALUES ('completed', 'lote.csv', "
               "'cartao', NOW() - INTERVAL 10 DAY)");
  std::string values;
  for (int i = 0; i < seed; ++i) {
    values += fmt::format("{}(1, '{:011}', 'Cliente {} da Silva Sauro', 'cartao', '{}', 0.{:06}, NOW(), NULL, "
                          "'2020-01-{:02}', '2026-10-{:02}', {}, {}.{:02}, {}, {}, {})",
                          i == 0 ? "" : ",", 10000000000LL + i * 7919, i, "ABCDE"[i % 5], (i * 104729) % 1000000,
                          1 + i % 28, 1 + i % 28, i % 300, i * 13, i % 100, i % 250, i % 7, i % 90);
  }
  client.query("INSERT INTO customer_scores (batchJobId, cpf, nome, produto, faixaScore, scoreProbInadimplencia, "
               "dataProcessamento, motivoExclusao, data_primeira_compra, data_ultima_compra, total_compras, "
               "valor_total_compras, total_pagamentos_em_dia, total_atrasos, maior_atraso) VALUES " +
               values);
  for (int i = 0; i < doublings; ++i) {
    client.query("INSERT INTO customer_scores (batchJobId, cpf, nome, produto, faixaScore, scoreProbInadimplencia, "
                 "dataProcessamento, motivoExclusao, data_primeira_compra, data_ultima_compra, total_compras, "
                 "valor_total_compras, total_pagamentos_em_dia, total_atrasos, maior_atraso) SELECT batchJobId, cpf, "
                 "nome, produto, faixaScore, scoreProbInadimplencia, dataProcessamento, motivoExclusao, "
                 "data_primeira_compra, data_ultima_compra, total_compras, valor_total_compras, "
                 "total_pagamentos_em_dia, total_atrasos, maior_atraso FROM customer_scores");
  }
}

// `rows` expired bureau rows (and 1000 live ones), by doubling.
void generate_bureau(mysql::Client& client, std::uint64_t rows)
{
  client.query("INSERT INTO bureau_cache (cpf, payload, expiresAt) VALUES ('12345678901', '{\"score\": 712, "
               "\"restricoes\": 0}', NOW() - INTERVAL 1 DAY)");
  for (auto count = number(client, "SELECT COUNT(*) FROM bureau_cache"); count < rows; count *= 2) {
    client.query(fmt::format("INSERT INTO bureau_cache (cpf, payload, expiresAt) SELECT cpf, payload, expiresAt - "
                             "INTERVAL (id % 86400) SECOND FROM bureau_cache LIMIT {}",
                             rows - count));
  }
  client.query("INSERT INTO bureau_cache (cpf, payload, expiresAt) SELECT cpf, payload, NOW() + INTERVAL 1 DAY "
               "FROM bureau_cache LIMIT 1000");
}

// Logs every statement with its time (the slow query log, long_query_time
// 0) into `file` while alive; longest_delete() reads back the longest
// DELETE on bureau_cache: each is one autocommitted transaction.
class StatementLog {
public:
  StatementLog(mysql::Client& client, fs::path file)
    : m_client(client)
    , m_file(std::move(file))
  {
    m_client.query("SET GLOBAL slow_query_log_file = '" + m_file.string() + "'");
    m_client.query("SET GLOBAL long_query_time = 0");
    m_client.query("SET SESSION long_query_time = 0"); // the global values apply to new connections
    m_client.query("SET GLOBAL slow_query_log = 1");
    m_client.query("SET SESSION slow_query_log = 1");
  }
  ~StatementLog() { stop(); }
  StatementLog(const StatementLog&) = delete;
  StatementLog& operator=(const StatementLog&) = delete;
  void stop()
  {
    if (!m_stopped) {
      m_stopped = true;
      m_client.query("SET GLOBAL slow_query_log = 0");
      m_client.query("SET SESSION slow_query_log = 0");
    }
  }
  // The longest DELETE FROM bureau_cache in seconds, and how many were logged.
  std::pair<double, std::size_t> longest_delete() const
  {
    std::ifstream in(m_file);
    std::string line;
    double time = 0;
    double longest = 0;
    std::size_t count = 0;
    while (std::getline(in, line)) {
      if (line.rfind("# Query_time: ", 0) == 0) {
        time = std::stod(line.substr(14));
      } else if (line.rfind("DELETE FROM bureau_cache", 0) == 0) {
        longest = std::max(longest, time);
        ++count;
      }
    }
    return {longest, count};
  }

private:
  mysql::Client& m_client;
  fs::path m_file;
  bool m_stopped = false;
};

double mb(std::uint64_t bytes)
{
  return static_cast<double>(bytes) / 1e6;
}

std::uint64_t gunzipped_size(const fs::path& file)
{
  FILE* pipe = ::popen(("gzip -dc '" + file.string() + "' | wc -c").c_str(), "r");
  if (pipe == nullptr) {
    throw std::runtime_error("popen failed");
  }
  unsigned long long bytes = 0;
  if (std::fscanf(pipe, "%llu", &bytes) != 1) {
    bytes = 0;
  }
  ::pclose(pipe);
  return bytes;
}

int run(Cleanup& cleanup, int doublings, std::uint64_t bureau_rows)
{
  fmt::print(stderr, "starting MariaDB...\n");
  {
    // A bigger buffer pool and redo log than the tests': the data does not fit 32M.
    MariaDbServer server({"--innodb-buffer-pool-size=1G", "--innodb-log-file-size=512M"});
    std::lock_guard lock(cleanup.mutex);
    cleanup.server = server.release();
    if (cleanup.interrupted) {
      cleanup.run();
      ::_exit(130);
    }
  }
  PlatformDatabase db(*cleanup.server);
  auto connect = connect_to(db);
  auto client = mysql::make_client(connect);

  auto start = Steady::now();
  generate_scores(*client, 750, doublings);
  auto scores = number(*client, "SELECT COUNT(*) FROM customer_scores");
  client->query("ANALYZE TABLE customer_scores"); // refreshes the sizes information_schema reports
  auto data_bytes = number(*client, "SELECT SUM(data_length + index_length) FROM information_schema.tables WHERE "
                                    "table_schema = DATABASE()");
  fmt::print(stderr, "generated {} score rows ({:.0f} MB in InnoDB) in {:.1f} s\n", scores, mb(data_bytes),
             seconds_since(start));

  const auto& work = cleanup.work;
  std::ofstream(work / "config.yaml") << db.config_yaml("env:CG_DB_PASSWORD")
                                      << "backup:\n  dir: " << (work / "backups").string() << "\n";
  ::setenv("CG_DB_PASSWORD", k_mariadb_password, 1);
  ::setenv("CREDGUARD_JOURNAL", (work / "journal.db").c_str(), 1);
  std::ofstream(work / "client.cnf") << "[client]\nhost=127.0.0.1\nport=" << db.server().port
                                     << "\nuser=" << k_mariadb_user << "\npassword=" << k_mariadb_password << "\n";
  fs::permissions(work / "client.cnf", fs::perms::owner_read | fs::perms::owner_write);

  auto ours = run_measured(cleanup,
                           {CREDGUARD_BINARY, "--config", (work / "config.yaml").string(), "--quiet", "backup", "run",
                            "--no-upload", "--keep-daily", "0"},
                           work / "run.out");
  fs::path backup_file;
  for (const auto& entry : fs::directory_iterator(work / "backups")) {
    if (entry.path().extension() == ".gz") {
      backup_file = entry.path();
    }
  }
  auto ours_bytes = fs::file_size(backup_file);
  auto reference_file = work / "reference.sql.gz";
  auto reference = run_measured(cleanup,
                                {"/bin/sh", "-c",
                                 fmt::format("mariadb-dump --defaults-extra-file={} --single-transaction --quick "
                                             "--routines --triggers --hex-blob {} | gzip -6 > {}",
                                             (work / "client.cnf").string(), db.name(), reference_file.string())},
                                "/dev/null");
  auto reference_bytes = fs::file_size(reference_file);
  auto raw = gunzipped_size(backup_file);
  auto reference_raw = gunzipped_size(reference_file);

  fmt::print("backup run: {} customer_scores rows, {:.0f} MB of dump text ({:.0f} MB in InnoDB)\n", scores, mb(raw),
             mb(data_bytes));
  fmt::print("  {:<50} {:>8} {:>9} {:>10} {:>12}\n", "", "wall s", "MB/s", "output MB", "peak RSS MB");
  fmt::print("  {:<50} {:8.2f} {:9.1f} {:10.1f} {:12.1f}\n", "credguard backup run (+ its mariadb-dump)", ours.wall_s,
             mb(raw) / ours.wall_s, mb(ours_bytes), static_cast<double>(ours.max_rss_kb) / 1024);
  fmt::print("  {:<50} {:8} {:9} {:10} {:12.1f}\n", "  credguard process alone (VmHWM)", "", "", "",
             static_cast<double>(ours.own_hwm_kb) / 1024);
  fmt::print("  {:<50} {:8.2f} {:9.1f} {:10.1f} {:12.1f}\n", "reference mariadb-dump | gzip -6", reference.wall_s,
             mb(reference_raw) / reference.wall_s, mb(reference_bytes),
             static_cast<double>(reference.max_rss_kb) / 1024);
  fmt::print("  credguard / reference wall time {:.2f}x\n", ours.wall_s / reference.wall_s);

  // purge-cache bureau against one DELETE, each over the same generated rows.
  start = Steady::now();
  generate_bureau(*client, bureau_rows);
  fmt::print(stderr, "generated {} bureau rows in {:.1f} s\n", bureau_rows, seconds_since(start));
  StatementLog batched_log(*client, work / "batched-statements.log");
  auto batched = run_measured(cleanup,
                              {CREDGUARD_BINARY, "--config", (work / "config.yaml").string(), "--quiet", "--output",
                               "json", "purge-cache", "bureau", "--batch-size", "5000"},
                              work / "purge.json");
  batched_log.stop();
  auto purge_text = slurp(work / "purge.json");
  auto batches_at = purge_text.find("\"batches\": ");
  auto batches = batches_at == std::string::npos ? 0 : std::stoull(purge_text.substr(batches_at + 11));
  auto deleted_at = purge_text.find("\"deleted\": ");
  auto deleted = deleted_at == std::string::npos ? 0 : std::stoull(purge_text.substr(deleted_at + 11));

  client->query("DELETE FROM bureau_cache");
  generate_bureau(*client, bureau_rows);
  StatementLog single_log(*client, work / "single-statement.log");
  auto single_start = Steady::now();
  auto single_deleted = client->query("DELETE FROM bureau_cache WHERE expiresAt < NOW()").affected_rows;
  auto single_s = seconds_since(single_start);
  single_log.stop();

  fmt::print("purge-cache bureau: {} expired rows of bureau_cache\n", bureau_rows);
  auto [batched_longest, batched_logged] = batched_log.longest_delete();
  auto [single_longest, single_logged] = single_log.longest_delete();
  fmt::print("  {:<50} {:>8} {:>9} {:>8} {:>15}\n", "", "wall s", "deleted", "batches", "longest trx s");
  fmt::print("  {:<50} {:8.2f} {:9} {:8} {:15.3f}\n", "credguard purge-cache bureau --batch-size 5000", batched.wall_s,
             deleted, batches, batched_longest);
  fmt::print("  {:<50} {:8.2f} {:9} {:8} {:15.3f}\n", "reference: one DELETE ... WHERE expiresAt < NOW()", single_s,
             single_deleted, 1, single_longest);
  fmt::print("  (longest trx: the longest DELETE statement, each one autocommitted transaction, in the server's\n"
             "   slow query log with long_query_time 0; {} and {} DELETE statements logged)\n",
             batched_logged, single_logged);
  bool consistent = batched_logged == batches && single_logged == 1 && deleted >= bureau_rows &&
                    single_deleted >= bureau_rows && reference_raw > 0 && raw > reference_raw * 9 / 10 &&
                    raw < reference_raw * 11 / 10;
  if (!consistent) {
    fmt::print(stderr, "the benchmark's results are inconsistent (deleted {}, {}; dump {} vs {} bytes)\n", deleted,
               single_deleted, raw, reference_raw);
  }
  return consistent ? 0 : 1;
}

} // namespace

int main(int argc, char** argv)
{
  int doublings = argc > 1 ? std::atoi(argv[1]) : 11;
  std::uint64_t bureau_rows = argc > 2 ? std::stoull(argv[2]) : 1'000'000;
  Cleanup cleanup;
  TempDir work; // removed by its destructor; by cleanup.run() on a signal
  cleanup.work = work.path();
  watch_signals(cleanup);
  int code = 1;
  try {
    code = run(cleanup, doublings, bureau_rows);
  } catch (const std::exception& e) {
    fmt::print(stderr, "bench_backup: {}\n", e.what());
  }
  std::lock_guard lock(cleanup.mutex);
  if (cleanup.server) {
    stop_mariadb(*cleanup.server);
    cleanup.server.reset();
  }
  return code;
}
