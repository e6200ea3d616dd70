#include "backup_fixture.hpp"
#include "support/silent_server.hpp"

#include <credguard/backup/inventory.hpp>
#include <credguard/backup/run.hpp>
#include <credguard/core/error.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <thread>

using namespace credguard;
using namespace credguard::backup;
using namespace credguard::test;
namespace fs = std::filesystem;

namespace {

const SystemTime k_now = SystemTime(std::chrono::seconds(1'795'420'800)); // 2026-11-23T08:00:00Z

// A stand-in for mariadb-dump: a shell script in `dir`.
std::string fake_dump(const TempDir& dir, const std::string& body)
{
  auto path = dir.write("fake-dump", "#!/bin/sh\n" + body + "\n");
  fs::permissions(path, fs::perms::owner_all);
  return path.string();
}

} // namespace

TEST_CASE("backup run: a dump restored into another database gives the same rows")
{
  PlatformDatabase db;
  seed_platform(db);
  TempDir dir;
  auto connect = connect_to(db);
  auto result = run_backup(connect, {dir.path(), k_now, {}, {}});
  CHECK(result.file.path == dir / "credguard-20261123-080000.sql.gz");
  CHECK(fs::file_size(result.file.path) == result.file.bytes);
  CHECK(check_integrity(result.file.path, k_dump_completed).ok);

  std::string copy = db.name() + "_copy";
  mariadb_sql(db.server(), "CREATE DATABASE " + copy + ";");
  restore_database(connect, copy, result.file.path, {});
  for (const auto* table : {"users", "batch_jobs", "customer_scores", "bureau_cache"}) {
    INFO(table);
    auto original = table_rows(db, db.name(), table);
    CHECK(original.size() > 50);
    CHECK(table_rows(db, copy, table) == original);
  }
  mariadb_sql(db.server(), "DROP DATABASE " + copy + ";");
}

TEST_CASE("backup run: the password is never on the dump's command line, its option file is private and removed")
{
  PlatformDatabase db;
  seed_platform(db, 2, 2);
  TempDir dir;
  RunOptions options{dir.path(), k_now, {}, {}};
  std::string cmdline;
  std::string option_file;
  std::string environ_text;
  mode_t mode = 0;
  options.tools.on_start = [&](pid_t pid) {
    // posix_spawn returns once the child is in exec, a moment before the
    // kernel has set up its new argument pages: /proc reads empty till then.
    for (int attempt = 0; attempt < 500 && cmdline.empty(); ++attempt) {
      if (attempt > 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
      cmdline = slurp("/proc/" + std::to_string(pid) + "/cmdline");
    }
    environ_text = slurp("/proc/" + std::to_string(pid) + "/environ");
    auto at = cmdline.find("--defaults-file=");
    REQUIRE(at != std::string::npos);
    option_file = cmdline.substr(at + 16, cmdline.find('\0', at) - at - 16);
    struct stat info {};
    REQUIRE(::stat(option_file.c_str(), &info) == 0);
    mode = info.st_mode & 07777;
  };
  run_backup(connect_to(db), options);
  CHECK_THAT(cmdline, Catch::StartsWith(std::string("mariadb-dump\0", 13)));
  CHECK_THAT(cmdline, Catch::Contains("--single-transaction") && Catch::Contains(db.name()));
  CHECK(cmdline.find(k_mariadb_password) == std::string::npos);
  CHECK(environ_text.find(k_mariadb_password) == std::string::npos);
  CHECK(mode == 0600);
  CHECK_FALSE(fs::exists(option_file));
  CHECK_FALSE(fs::exists(fs::path(option_file).parent_path()));
}

TEST_CASE("backup run: a dump that dies or stops early leaves no file that looks complete")
{
  PlatformDatabase db;
  TempDir tools;
  TempDir dir;
  RunOptions options{dir.path(), k_now, {}, {}};
  SECTION("killed mid-way")
  {
    options.tools.dump = fake_dump(tools, "echo '-- MariaDB dump'; echo 'INSERT INTO t VALUES (1);'; kill -9 $$");
    CHECK_THROWS_WITH(run_backup(connect_to(db), options), Catch::Contains("killed by signal 9"));
  }
  SECTION("exit 0 without the completion line")
  {
    options.tools.dump = fake_dump(tools, "echo '-- MariaDB dump'; echo 'INSERT INTO t VALUES (1);'");
    CHECK_THROWS_WITH(run_backup(connect_to(db), options), Catch::Contains("the dump is incomplete"));
  }
  SECTION("refused by the server")
  {
    auto connect = connect_to(db);
    connect.password = Secret("wrong-password-7f3a");
    try {
      run_backup(connect, options);
      FAIL("no error");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::unavailable);
      CHECK_THAT(e.what(), Catch::Contains("Access denied"));
      CHECK_THAT(e.what(), !Catch::Contains("wrong-password-7f3a"));
    }
  }
  CHECK(list_backups(dir.path(), k_backup_pattern).empty());
  CHECK(fs::is_empty(dir.path())); // no temporary file either
}

TEST_CASE("backup run: leftovers of a killed run are removed, retention keeps the new backup")
{
  PlatformDatabase db;
  seed_platform(db, 2, 2);
  TempDir dir;
  dir.write(".credguard-20261122-080000.sql.gz.partial", "half a dump");
  for (const auto* old :
       {"credguard-20261120-080000.sql.gz", "credguard-20261121-080000.sql.gz", "credguard-20261122-080000.sql.gz"}) {
    dir.write(old, "old");
    dir.write(std::string(old) + ".sha256", "x");
  }
  auto result = run_backup(connect_to(db), {dir.path(), k_now, {2, 0, 0}, {}});
  CHECK_FALSE(fs::exists(dir / ".credguard-20261122-080000.sql.gz.partial"));
  CHECK(result.removed ==
        std::vector<std::string>{"credguard-20261121-080000.sql.gz", "credguard-20261120-080000.sql.gz"});
  CHECK(fs::exists(dir / "credguard-20261123-080000.sql.gz"));
  CHECK(fs::exists(dir / "credguard-20261123-080000.sql.gz.sha256"));
  CHECK(fs::exists(dir / "credguard-20261122-080000.sql.gz"));
  CHECK_FALSE(fs::exists(dir / "credguard-20261120-080000.sql.gz.sha256"));
  // The same second again: refused, the existing backup untouched.
  CHECK_THROWS_WITH(run_backup(connect_to(db), {dir.path(), k_now, {}, {}}), Catch::Contains("exists already"));
  CHECK(check_integrity(dir / "credguard-20261123-080000.sql.gz", k_dump_completed).ok);
}

TEST_CASE("backup run: a server that accepts and never answers stops the dump and the restore, no file left")
{
  // mariadb-dump has no connect timeout and waited forever, holding the job
  // lock; the client's connect-timeout sat in [mariadb], which it does not read.
  SilentServer server;
  TempDir dir;
  mysql::ConnectOptions connect;
  connect.host = "127.0.0.1";
  connect.port = static_cast<unsigned int>(server.port());
  connect.user = "nobody";
  connect.password = Secret("silent-secret-4e2b");
  connect.database = "credguard";
  connect.connect_timeout = Millis(1000);
  connect.read_timeout = Millis(1000);
  RunOptions options{dir.path(), k_now, {}, {}};
  std::string option_file;
  options.tools.on_start = [&](pid_t pid) {
    for (int attempt = 0; attempt < 500 && option_file.empty(); ++attempt) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      auto cmdline = slurp("/proc/" + std::to_string(pid) + "/cmdline");
      if (auto at = cmdline.find("--defaults-file="); at != std::string::npos) {
        option_file = cmdline.substr(at + 16, cmdline.find('\0', at) - at - 16);
      }
    }
  };
  auto start = std::chrono::steady_clock::now();
  try {
    run_backup(connect, options);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::unavailable);
    CHECK_THAT(e.what(), Catch::Contains("mariadb-dump of credguard at 127.0.0.1:" + std::to_string(server.port())) &&
                             Catch::Contains("printed nothing for 2s"));
  }
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(20));
  REQUIRE_FALSE(option_file.empty());
  CHECK_FALSE(fs::exists(option_file));
  CHECK(fs::is_empty(dir.path()));

  // The client reads connect-timeout from [mysql]/[mariadb-client]: it gives up by itself.
  auto backup = dir / "small.sql.gz";
  {
    GzipFileWriter writer(backup);
    writer.write("SELECT 1;\n");
    writer.commit();
  }
  start = std::chrono::steady_clock::now();
  CHECK_THROWS_WITH(restore_database(connect, "credguard", backup, {}),
                    Catch::Contains("restoring small.sql.gz") && Catch::Contains("initial communication packet"));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(20));
}

TEST_CASE("backup run: the option file gives connect-timeout only to groups the client reads")
{
  mysql::ConnectOptions connect;
  connect.connect_timeout = Millis(7000);
  OptionFile file(connect);
  auto text = slurp(file.path());
  // mariadb-dump reads [client] and refuses connect-timeout there ("unknown variable").
  auto client = text.substr(0, text.find("\n[", 1));
  CHECK(client.find("connect-timeout") == std::string::npos);
  CHECK_THAT(text, Catch::Contains("[mysql]\nconnect-timeout=7\n") &&
                       Catch::Contains("[mariadb-client]\nconnect-timeout=7\n"));
  CHECK(text.find("[mariadb]") == std::string::npos);
}
