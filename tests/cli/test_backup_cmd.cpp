#include "harness.hpp"
#include "support/mariadb.hpp"
#include "support/silent_server.hpp"

#include <credguard/jobs/lock.hpp>
#include <credguard/journal/journal.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

using namespace credguard;
using namespace credguard::test;
namespace fs = std::filesystem;

namespace {

// A harness whose configuration points at `db` (password from the
// environment) and at a backup directory of its own.
struct JobHarness : CliHarness {
  explicit JobHarness(const PlatformDatabase& db)
  {
    env.set("CG_DB_PASSWORD", k_mariadb_password);
    config = home.write("config.yaml",
                        db.config_yaml("env:CG_DB_PASSWORD") + "backup:\n  dir: " + (home / "backups").string() + "\n");
  }
  int backup(std::vector<std::string> args)
  {
    args.insert(args.begin(), {"--config", config.string(), "backup"});
    return run(args);
  }
  int purge_bureau(std::vector<std::string> args = {})
  {
    args.insert(args.begin(), {"--config", config.string(), "purge-cache", "bureau"});
    return run(args);
  }
  std::vector<journal::Entry> entries(const std::string& action)
  {
    journal::Journal journal(home / "journal.db", journal::Journal::Mode::read_only, clock, {});
    journal::Filter filter;
    filter.action_prefix = action;
    return journal.list(filter);
  }
  std::string all_journal_text()
  {
    std::string text;
    for (const auto& entry : entries("")) {
      text += entry.to_json().dump() + "\n";
    }
    return text;
  }
  fs::path newest_backup() { return home / "backups" / "credguard-20261123-080000.sql.gz"; }
  fs::path config;
};

void seed(const PlatformDatabase& db)
{
  db.sql("INSERT INTO users (email) VALUES ('a@x'), ('b@x');"
         "INSERT INTO batch_jobs (fileName) VALUES ('f.csv');"
         "INSERT INTO bureau_cache (cpf, payload, expiresAt) VALUES ('1', 'p', NOW() - INTERVAL 1 DAY), ('2', 'p', "
         "NOW() + INTERVAL 1 DAY);");
}

void set_mtime(const fs::path& path, SystemTime when)
{
  fs::last_write_time(path, fs::file_time_type::clock::from_sys(when));
}

} // namespace

TEST_CASE("backup cli: run then verify, journaled, metrics written, no secret anywhere")
{
  PlatformDatabase db;
  seed(db);
  JobHarness h(db);
  TempDir metrics;
  REQUIRE(h.backup({"run", "--textfile", metrics.path().string()}) == 0);
  CHECK_THAT(h.out.str(), Catch::StartsWith("OK " + h.newest_backup().string()));
  auto run_output = h.out.str() + h.err.str();
  set_mtime(h.newest_backup(), h.clock.now() - std::chrono::hours(1));

  REQUIRE(h.backup({"verify", "--textfile", metrics.path().string()}) == 0);
  CHECK_THAT(h.out.str(), Catch::StartsWith("BACKUP OK - newest credguard-20261123-080000.sql.gz") &&
                              Catch::Contains("checksum and gzip stream intact"));

  auto run_metrics = slurp(metrics / "credguard_job_backup-run.prom");
  CHECK_THAT(run_metrics,
             Catch::Contains("credguard_job_last_success_timestamp_seconds{job=\"backup-run\"} 1795420800"));
  CHECK_THAT(run_metrics, Catch::Contains("credguard_job_bytes{job=\"backup-run\"} " +
                                          std::to_string(fs::file_size(h.newest_backup())) + "\n"));
  CHECK(fs::exists(metrics / "credguard_job_backup-verify.prom"));

  auto runs = h.entries("job.backup-run");
  REQUIRE(runs.size() == 2);
  CHECK(runs[0].what.outcome == "started");
  CHECK(runs[1].what.outcome == "ok");
  CHECK(runs[1].what.target == h.newest_backup().string());
  CHECK(runs[1].what.evidence["sha256"].get<std::string>().size() == 64);
  CHECK(run_output.find(k_mariadb_password) == std::string::npos);
  CHECK(h.all_journal_text().find(k_mariadb_password) == std::string::npos);
}

TEST_CASE("backup cli: verify catches a stale, a truncated and a corrupted backup, and a size change")
{
  PlatformDatabase db;
  seed(db);
  JobHarness h(db);
  REQUIRE(h.backup({"run"}) == 0);
  auto path = h.newest_backup();
  set_mtime(path, h.clock.now() - std::chrono::hours(1));
  SECTION("stale")
  {
    h.clock.advance(std::chrono::hours(30));
    CHECK(h.backup({"verify"}) == 2);
    CHECK_THAT(h.out.str(), Catch::StartsWith("BACKUP CRITICAL") && Catch::Contains("older than 1d"));
  }
  SECTION("truncated")
  {
    fs::resize_file(path, fs::file_size(path) - 10);
    set_mtime(path, h.clock.now() - std::chrono::hours(1));
    CHECK(h.backup({"verify"}) == 2);
    CHECK_THAT(h.out.str(), Catch::Contains("does not match its recorded SHA-256"));
  }
  SECTION("corrupted, its checksum file gone")
  {
    {
      std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
      file.seekp(static_cast<std::streamoff>(fs::file_size(path) / 2));
      file.put('\x7f');
    }
    set_mtime(path, h.clock.now() - std::chrono::hours(1));
    fs::remove(path.string() + ".sha256");
    CHECK(h.backup({"verify", "--output", "json"}) == 2);
    auto json = nlohmann::json::parse(h.out.str());
    CHECK(json["status"] == "CRITICAL");
    CHECK(json["newest"]["intact"] == false);
    CHECK_THAT(json["detail"].get<std::string>(), Catch::Contains(".sha256 is missing"));
  }
  SECTION("much larger than the ones before")
  {
    for (int day = 16; day <= 22; ++day) {
      auto name = h.home / "backups" / ("credguard-202611" + std::to_string(day) + "-080000.sql.gz");
      std::ofstream(name) << std::string(fs::file_size(path) * 3, 'x');
      set_mtime(name, h.clock.now() - std::chrono::hours(24 * (23 - day)));
    }
    CHECK(h.backup({"verify"}) == 1);
    CHECK_THAT(h.out.str(), Catch::StartsWith("BACKUP WARNING") && Catch::Contains("beyond ±20 %"));
  }
  SECTION("the directory cannot be read")
  {
    CHECK(h.backup({"verify", "--dir", (h.home / "nowhere").string()}) == 3);
    CHECK_THAT(h.out.str(), Catch::StartsWith("BACKUP UNKNOWN"));
  }
}

TEST_CASE("backup cli: a job whose lock is held exits 75 and does nothing")
{
  PlatformDatabase db;
  seed(db);
  JobHarness h(db);
  jobs::JobLock held(h.home.path(), "purge-bureau"); // the journal's directory
  CHECK(h.purge_bureau() == 75);
  CHECK_THAT(h.err.str(), Catch::Contains("purge-bureau is already running"));
  CHECK(db.sql("SELECT COUNT(*) FROM bureau_cache;") == "2\n");
  CHECK_FALSE(fs::exists(h.home / "journal.db")); // nothing journaled: it did not start
}

TEST_CASE("backup cli: purge-cache bureau reports rows and journals them")
{
  PlatformDatabase db;
  seed(db);
  JobHarness h(db);
  REQUIRE(h.purge_bureau({"--dry-run"}) == 0);
  CHECK_THAT(h.out.str(), Catch::StartsWith("would delete 1 expired rows of bureau_cache"));
  REQUIRE(h.purge_bureau({"--output", "json", "--batch-size", "1"}) == 0);
  auto json = nlohmann::json::parse(h.out.str());
  CHECK(json["deleted"] == 1);
  CHECK(json["batches"] == 2);
  auto runs = h.entries("job.purge-bureau");
  REQUIRE(runs.size() == 2);
  CHECK(runs[1].what.evidence["deleted"] == 1);
  CHECK(db.sql("SELECT COUNT(*) FROM bureau_cache;") == "1\n");
}

TEST_CASE("backup cli: restore-test passes on a good backup and fails on a damaged one")
{
  PlatformDatabase db;
  seed(db);
  JobHarness h(db);
  REQUIRE(h.backup({"run"}) == 0);
  CHECK(h.backup({"restore-test", "--scratch", db.name() + "_rt"}) == 0);
  CHECK_THAT(h.out.str(), Catch::Contains("RESTORE TEST PASSED") && Catch::Contains("dropped"));
  CHECK_THAT(h.out.str(), Catch::Contains("users"));
  fs::resize_file(h.newest_backup(), fs::file_size(h.newest_backup()) / 2);
  CHECK(h.backup({"restore-test", "--scratch", db.name() + "_rt"}) == 2);
  CHECK_THAT(h.out.str(), Catch::Contains("RESTORE TEST FAILED"));
  auto runs = h.entries("job.backup-restore-test");
  REQUIRE(runs.size() == 4);
  CHECK(runs[1].what.outcome == "ok");
  CHECK(runs[3].what.outcome == "failed");
}

TEST_CASE("backup cli: archive-jobs with a failing dump deletes nothing and journals the failure")
{
  PlatformDatabase db;
  db.sql("INSERT INTO batch_jobs (fileName, createdAt) VALUES ('old.csv', NOW() - INTERVAL 200 DAY);"
         "INSERT INTO customer_scores (batchJobId, cpf, nome, produto, faixaScore, scoreProbInadimplencia, "
         "dataProcessamento) VALUES (1, '1', 'n', 'p', 'A', 0.1, NOW());");
  JobHarness h(db);
  auto script = h.home.write("fake-dump", "#!/bin/sh\nexit 7\n");
  fs::permissions(script, fs::perms::owner_all);
  std::ofstream(h.config, std::ios::app) << "  dump_command: " << script.string() << "\n";
  CHECK(h.backup({"archive-jobs", "--older-than", "90d"}) == 69);
  CHECK_THAT(h.err.str(), Catch::Contains("exit status 7"));
  CHECK(db.sql("SELECT COUNT(*) FROM customer_scores;") == "1\n");
  auto runs = h.entries("job.archive-jobs");
  REQUIRE(runs.size() == 2);
  CHECK(runs[1].what.outcome == "failed");
}

TEST_CASE("backup cli: bad flags are usage errors, a missing backup.dir a config error")
{
  PlatformDatabase db;
  JobHarness h(db);
  CHECK(h.backup({"verify", "--max-age", "soon"}) == 64);
  CHECK_THAT(h.err.str(), Catch::Contains("--max-age soon"));
  CHECK(h.backup({"archive-jobs", "--older-than", "0s"}) == 64);
  h.config = h.home.write("bare.yaml", db.config_yaml("env:CG_DB_PASSWORD"));
  CHECK(h.backup({"run"}) == 78);
  CHECK_THAT(h.err.str(), Catch::Contains("backup.dir"));
}

TEST_CASE("backup cli: SIGTERM during a dump stops it, removes the option file and journals interrupted")
{
  // systemd and Kubernetes stop a job with SIGTERM: it left client.cnf with
  // the password behind and the journal at `started`.
  SilentServer server; // the dump waits on it until the signal
  CliHarness h;
  TempDir tmp;
  const char* old_tmpdir = std::getenv("TMPDIR");
  std::string saved = old_tmpdir == nullptr ? "" : old_tmpdir;
  ::setenv("TMPDIR", tmp.path().c_str(), 1); // where the option file's directory goes
  h.env.set("CG_DB_PASSWORD", "sigterm-secret-9c1d");
  auto config = h.home.write("config.yaml", "mysql:\n  host: 127.0.0.1\n  port: " + std::to_string(server.port()) +
                                                "\n  user: u\n  password: env:CG_DB_PASSWORD\n  connect_timeout: 60s\n"
                                                "  read_timeout: 60s\nbackup:\n  dir: " +
                                                (h.home / "backups").string() + "\n");
  bool saw_option_file = false;
  std::thread terminator([&] {
    for (int i = 0; i < 2000 && !saw_option_file; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      saw_option_file = !fs::is_empty(tmp.path());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200)); // mariadb-dump is connecting
    ::kill(::getpid(), SIGTERM);
  });
  auto start = std::chrono::steady_clock::now();
  int code = h.run({"--config", config.string(), "backup", "run"});
  terminator.join();
  if (saved.empty()) {
    ::unsetenv("TMPDIR");
  } else {
    ::setenv("TMPDIR", saved.c_str(), 1);
  }
  CHECK(saw_option_file);
  CHECK(code == 130);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(30));
  CHECK(fs::is_empty(tmp.path()));         // option file and its directory removed
  CHECK(fs::is_empty(h.home / "backups")); // no dot-file either
  journal::Journal journal(h.home / "journal.db", journal::Journal::Mode::read_only, h.clock, {});
  journal::Filter filter;
  filter.action_prefix = "job.backup-run";
  auto entries = journal.list(filter);
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].what.outcome == "started");
  CHECK(entries[1].what.outcome == "interrupted");
  CHECK((h.out.str() + h.err.str()).find("sigterm-secret-9c1d") == std::string::npos);
}
