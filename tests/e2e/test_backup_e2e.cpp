#include "binary.hpp"
#include "support/mariadb.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace credguard::test;
namespace fs = std::filesystem;

namespace {

// Starts the binary in the background with exactly `env`.
pid_t spawn_binary(const std::vector<std::string>& args, const std::map<std::string, std::string>& env)
{
  std::vector<std::string> strings = {CREDGUARD_BINARY};
  strings.insert(strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : strings) {
    argv.push_back(s.data());
  }
  argv.push_back(nullptr);
  std::vector<std::string> env_strings;
  for (const auto& [key, value] : env) {
    env_strings.push_back(key + "=" + value);
  }
  std::vector<char*> envp;
  for (auto& s : env_strings) {
    envp.push_back(s.data());
  }
  envp.push_back(nullptr);
  pid_t pid = -1;
  REQUIRE(::posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), envp.data()) == 0);
  return pid;
}

bool wait_for(const std::function<bool()>& condition)
{
  for (int i = 0; i < 6000 && !condition(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

} // namespace

TEST_CASE("e2e: backup run killed mid-dump leaves no file that looks complete, the next run cleans up")
{
  PlatformDatabase db;
  db.sql("INSERT INTO users (email) VALUES ('a@x');");
  Binary credguard;
  credguard.env["CG_DB_PASSWORD"] = k_mariadb_password;
  auto backups = credguard.home / "backups";
  // A dump that has written part of its output and then hangs.
  auto slow_dump = credguard.home.write(
      "slow-dump", "#!/bin/sh\necho $$ > " + (credguard.home / "dump.pid").string() +
                       "\necho '-- MariaDB dump'\necho 'INSERT INTO t VALUES (1);'\nexec sleep 60\n");
  fs::permissions(slow_dump, fs::perms::owner_all);
  auto base = db.config_yaml("env:CG_DB_PASSWORD") + "backup:\n  dir: " + backups.string() + "\n";
  auto slow_config = credguard.home.write("slow.yaml", base + "  dump_command: " + slow_dump.string() + "\n");
  auto config = credguard.home.write("config.yaml", base);

  pid_t pid = spawn_binary({"--config", slow_config.string(), "backup", "run"}, credguard.env);
  // Mid-dump: the dump runs (it wrote its PID) and its output file exists.
  auto pid_file = credguard.home / "dump.pid";
  bool started = wait_for([&] {
    std::error_code ec;
    bool partial = false;
    for (const auto& entry : fs::directory_iterator(backups, ec)) {
      partial = partial || entry.path().filename().string().rfind(".credguard-", 0) == 0;
    }
    return partial && fs::exists(pid_file, ec) && fs::file_size(pid_file, ec) > 0;
  });
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (started) {
    ::kill(std::stoi(slurp(pid_file)), SIGKILL); // the orphaned dump
  }
  REQUIRE(started);
  CHECK(WIFSIGNALED(status));

  auto verify = credguard.run({"--config", config.string(), "backup", "verify"});
  CHECK(verify.exit_code == 2);
  CHECK_THAT(verify.out, Catch::Contains("no backup matching credguard-*.sql.gz"));
  for (const auto& entry : fs::directory_iterator(backups)) {
    CHECK(entry.path().filename().string().front() == '.'); // only the temporary file
  }

  auto run = credguard.run({"--config", config.string(), "backup", "run"});
  REQUIRE(run.exit_code == 0);
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(backups)) {
    names.push_back(entry.path().filename().string());
  }
  CHECK(names.size() == 2); // the backup and its .sha256, the leftover removed
  auto again = credguard.run({"--config", config.string(), "backup", "verify"});
  CHECK(again.exit_code == 0);
  for (const auto& result : {verify, run, again}) {
    CHECK(result.out.find(k_mariadb_password) == std::string::npos);
    CHECK(result.err.find(k_mariadb_password) == std::string::npos);
  }
  CHECK(slurp(credguard.home / "state" / "journal.db").find(k_mariadb_password) == std::string::npos);
}
