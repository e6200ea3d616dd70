#include "support/daemon.hpp"
#include "support/process.hpp"

#include <credguard/checks/debian_packages.hpp>

#include <catch2/catch.hpp>

using namespace credguard::checks;

namespace {

int sign(int value)
{
  return (value > 0) - (value < 0);
}

} // namespace

TEST_CASE("debian versions compare the way dpkg compares them")
{
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"1.0", "1.0"},
      {"1.0", "1.1"},
      {"1.10", "1.9"},
      {"1.0~rc1", "1.0"},
      {"1.0~rc1", "1.0~rc2"},
      {"1.0", "1.0-1"},
      {"1.0-1", "1.0-2"},
      {"1:0.9", "2.0"},
      {"3.0.11-1~deb12u2", "3.0.15-1~deb12u1"},
      {"2.6.1", "2.6.2"},
      {"12.4+deb12u11", "12.4+deb12u15"},
      {"5.2.15-2+b8", "5.2.15-2+b13"},
      {"1.0a", "1.0+"},
      {"1.0.0", "1.0"},
      {"0001.0", "1.0"},
      {"1.0-1ubuntu1", "1.0-1"},
      {"2:1.0", "1:9.9"},
      {"1.2.3-4", "1.2.3-4.1"},
      {"7.88.1-10+deb12u12", "7.88.1-10+deb12u8"},
  };
  for (const auto& [a, b] : pairs) {
    INFO(a << " vs " << b);
    CHECK(sign(compare_debian_versions(a, b)) == -sign(compare_debian_versions(b, a)));
    // dpkg itself is the reference.
    auto dpkg = credguard::test::find_program("dpkg");
    bool less =
        credguard::test::run_process({dpkg, "--compare-versions", a, "lt", b}, credguard::test::base_env()).exit_code ==
        0;
    bool equal =
        credguard::test::run_process({dpkg, "--compare-versions", a, "eq", b}, credguard::test::base_env()).exit_code ==
        0;
    CHECK(sign(compare_debian_versions(a, b)) == (less ? -1 : equal ? 0 : 1));
  }
}

TEST_CASE("control files are read stanza by stanza")
{
  std::vector<Stanza> stanzas;
  for_each_stanza("Package: a\nVersion: 1\nDescription: first line\n more text\n\n\nPackage: b\nStatus: install ok "
                  "installed\n",
                  [&](const Stanza& stanza) { stanzas.push_back(stanza); });
  REQUIRE(stanzas.size() == 2);
  CHECK(stanzas[0].at("Package") == "a");
  CHECK(stanzas[0].at("Description") == "first line");
  CHECK(stanzas[1].at("Status") == "install ok installed");
}
