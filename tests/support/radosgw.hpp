#pragma once

// A real S3 server for the tests: Ceph's radosgw (Debian packages radosgw,
// ceph-mon, ceph-osd; scripts/deps.sh test installs them) over one monitor
// and one memstore OSD, on loopback, in a temporary directory. Starting it
// takes about 12 s, so one gateway serves a whole test run.
//
// How to use it in a test binary:
//
//   tests/CMakeLists.txt:
//     credguard_add_test(test_my_feature SOURCES unit/x/test_my_feature.cpp DEPS credguard::s3 LABELS e2e RADOSGW)
//
//   RADOSGW makes every test of the binary require the ctest fixture
//   `radosgw` (tests `radosgw_start` / `radosgw_stop`, run once per ctest
//   run, even when tests fail) and points CREDGUARD_TEST_RADOSGW_STATE at
//   the state file the fixture writes.
//
//   In the test:
//     const auto& gw = credguard::test::radosgw();   // endpoint, keys
//     std::string bucket = credguard::test::unique_bucket("quarantine");
//
//   Tests share the gateway and may run in parallel: always use
//   unique_bucket(), never stop the gateway (to test an outage, put a
//   TcpProxy in front of gw.port and cut it). Objects live in memory and
//   vanish with the gateway. The credentials are long-term keys of an
//   ordinary user; pass them to the credguard binary as AWS_ACCESS_KEY_ID
//   and AWS_SECRET_ACCESS_KEY with CREDGUARD_S3_ENDPOINT=gw.endpoint.
//
// Run without ctest (./test_my_feature), radosgw() starts a gateway for
// the process on first use and stops it at exit. Either way a supervisor
// process tears the cluster down if its owner (ctest, or the test process)
// dies without stopping it: no daemons are left behind.

#include "support/process.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace credguard::test {

// A running gateway.
struct RadosGwInfo {
  std::string endpoint;       // http://127.0.0.1:PORT, for path-style addressing
  std::string vhost_endpoint; // http://localhost:PORT: virtual-host addressing as BUCKET.localhost:PORT
  int port = 0;
  std::string access_key;
  std::string secret_key; // a fixture secret: tests check it never appears in output
  std::string region = "us-east-1";
  std::string dir; // the cluster's temporary directory (logs under log/)
  pid_t supervisor = 0;
};

// The gateway of this test run: the ctest fixture's when
// CREDGUARD_TEST_RADOSGW_STATE is set (throws std::runtime_error if its
// state file is missing), else one started for this process on first call
// (blocks ~12 s; throws std::runtime_error with the daemons' logs if it
// cannot start).
const RadosGwInfo& radosgw();

// A bucket name no other test or process uses: "cg-<purpose>-<pid>-<n>".
std::string unique_bucket(std::string_view purpose);

// Reads a state file written by the gateway's supervisor; nullopt when
// missing, incomplete, or its supervisor is gone.
std::optional<RadosGwInfo> read_radosgw_state(const std::filesystem::path& state);
// Writes a state file atomically.
void write_radosgw_state(const std::filesystem::path& state, const RadosGwInfo& info);

} // namespace credguard::test
