#include "support/daemon.hpp"
#include "support/fake_clock.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include <credguard/checks/engine.hpp>

#include <catch2/catch.hpp>

#include <set>

using namespace credguard;
using namespace credguard::checks;

namespace {

const MapEnv g_no_env;

class NoClients final : public Clients {
public:
  http::Transport& http() override { throw std::logic_error("unused"); }
};

CheckResult run_on(const std::filesystem::path& root)
{
  static Redactor redactor;
  static NullLog log;
  static NoClients clients;
  static test::FakeClock clock;
  static auto config = Config::parse("", "cfg.yaml", g_no_env, redactor);
  static auto kinds = builtin_kinds();
  auto runbook =
      parse_runbook("name: t\nchecks:\n  - {id: updates, title: U, kind: security_updates, params: {root: \"" +
                        root.string() + "\"}, threshold: {warn: 1, unit: packages}}\n",
                    "rb.yaml", config, Millis(60'000));
  validate_runbook(runbook, kinds);
  auto results = run_runbook(runbook, kinds, EngineContext{config, clock, log, clients, "/proc"}, {}).report.results;
  REQUIRE(results.size() == 1);
  return results[0];
}

const char* const k_status = R"(Package: openssl
Status: install ok installed
Architecture: amd64
Version: 3.0.11-1~deb12u2

Package: libssl3
Status: install ok installed
Architecture: amd64
Version: 3.0.11-1~deb12u2

Package: tzdata
Status: install ok installed
Architecture: all
Version: 2024a-0+deb12u1

Package: curl
Status: deinstall ok config-files
Architecture: amd64
Version: 7.88.1-10+deb12u5

Package: bash
Status: install ok installed
Architecture: amd64
Version: 5.2.15-2+b8
)";

const char* const k_security = R"(Package: openssl
Version: 3.0.15-1~deb12u1
Architecture: amd64
Description: Secure Sockets Layer toolkit

Package: libssl3
Version: 3.0.15-1~deb12u1
Architecture: amd64

Package: tzdata
Version: 2025b-0+deb12u1
Architecture: all

Package: curl
Version: 7.88.1-10+deb12u12
Architecture: amd64

Package: bash
Version: 5.2.15-2+b2
Architecture: amd64
)";

} // namespace

TEST_CASE("security_updates kind: installed packages with a newer version in a security list")
{
  test::TempDir root;
  root.write("var/lib/dpkg/status", k_status);
  SECTION("plain lists")
  {
    root.write("var/lib/apt/lists/deb.debian.org_debian-security_dists_bookworm-security_main_binary-amd64_Packages",
               k_security);
    // Not a security list: a newer bash there is not a security update.
    root.write("var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages",
               "Package: bash\nVersion: 5.2.15-2+b13\nArchitecture: amd64\n");
    auto result = run_on(root.path());
    CHECK(result.status == Status::warn);
    CHECK(result.value == 3);
    CHECK(result.value_text == "3 packages");
    CHECK_THAT(result.detail, Catch::StartsWith("libssl3 3.0.11-1~deb12u2 -> 3.0.15-1~deb12u1, openssl "
                                                "3.0.11-1~deb12u2 -> 3.0.15-1~deb12u1, tzdata 2024a-0+deb12u1 -> "
                                                "2025b-0+deb12u1 (lists updated "));
    CHECK(result.data["packages"].size() == 3);
  }
  SECTION("compressed lists are read through apt-helper")
  {
    auto list = root.write("var/lib/apt/lists/security.debian.org_dists_bookworm-security_main_binary-amd64_Packages",
                           k_security);
    auto gzip = test::run_process({test::find_program("gzip"), list.string()}, test::base_env());
    REQUIRE(gzip.exit_code == 0);
    auto result = run_on(root.path());
    CHECK(result.value == 3);
  }
  SECTION("nothing pending passes")
  {
    root.write("var/lib/apt/lists/x_debian-security_dists_bookworm-security_main_binary-amd64_Packages",
               "Package: bash\nVersion: 5.2.15-2+b2\nArchitecture: amd64\n");
    auto result = run_on(root.path());
    CHECK(result.status == Status::pass);
    CHECK_THAT(result.detail, Catch::StartsWith("no security update pending"));
  }
  SECTION("no security list is SKIP saying why")
  {
    auto result = run_on(root.path());
    CHECK(result.status == Status::skip);
    CHECK_THAT(result.detail, Catch::Contains("no security repository lists"));
  }
}

TEST_CASE("security_updates kind: SKIP where there is no dpkg")
{
  test::TempDir root;
  auto result = run_on(root.path());
  CHECK(result.status == Status::skip);
  CHECK_THAT(result.detail, Catch::StartsWith("not a Debian system"));
}

TEST_CASE("security_updates kind: on this Debian host it agrees with apt")
{
  if (!std::filesystem::exists("/var/lib/dpkg/status")) {
    SUCCEED("not a Debian host");
    return;
  }
  auto result = run_on("/");
  REQUIRE(result.status != Status::unknown);
  if (result.status == Status::skip) {
    return; // no security suite configured here
  }
  std::set<std::string> ours;
  for (const auto& item : result.data["packages"]) {
    ours.insert(item["package"].get<std::string>());
  }
  // Every upgrade apt takes from a -security suite is one we found.
  auto apt = test::run_process({test::find_program("apt"), "list", "--upgradable"}, test::base_env());
  REQUIRE(apt.exit_code == 0);
  std::istringstream lines(apt.out);
  for (std::string line; std::getline(lines, line);) {
    auto slash = line.find('/');
    auto space = line.find(' ');
    if (slash == std::string::npos || space == std::string::npos ||
        line.substr(slash, space - slash).find("-security") == std::string::npos) {
      continue;
    }
    INFO(line);
    CHECK(ours.count(line.substr(0, slash)) == 1);
  }
}
