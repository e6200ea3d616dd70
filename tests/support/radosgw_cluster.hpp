#pragma once

#include "support/radosgw.hpp"

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace credguard::test {

// The daemons of one throwaway Ceph cluster, as the supervisor of
// credguard_test_radosgw runs them. Tests use radosgw() instead.
//
// Settings that make it work on one small machine: auth none with
// ms_mon_client_mode = crc (otherwise radosgw waits 300 s for the monitor),
// pools of size 1 (mon_allow_pool_size_one, osd_crush_chooseleaf_type = 0),
// mon_data_avail_crit = 0 (no refusal on a nearly full disk), 8 PGs per
// pool, everything bound to 127.0.0.1, the OSD on memstore.
class RadosGwCluster {
public:
  RadosGwCluster() = default;
  ~RadosGwCluster();
  RadosGwCluster(const RadosGwCluster&) = delete;
  RadosGwCluster& operator=(const RadosGwCluster&) = delete;

  // Makes the temporary directory and writes ceph.conf with free ports.
  void create();
  // Starts monitor, OSD and gateway, waits until S3 answers and creates the
  // user. Throws std::runtime_error (naming the step) on failure or when
  // `stopping` turns true.
  void start(const std::function<bool()>& stopping);
  // Collects daemons that exited (logging it), so none stays a zombie.
  void reap();
  // Stops every daemon (SIGTERM, then SIGKILL after a grace period) and
  // removes the directory. Safe to call twice.
  void stop();

  const RadosGwInfo& info() const { return m_info; }
  // The last lines of each daemon's log, for a failed start.
  std::string log_tail() const;

private:
  struct Daemon {
    std::string name;
    pid_t pid = 0;
  };

  pid_t spawn(const std::string& name, const std::vector<std::string>& argv) const;
  void run(const std::string& name, const std::vector<std::string>& argv, int timeout_seconds) const;
  void wait_for_s3(const std::function<bool()>& stopping);

  std::filesystem::path m_dir;
  std::filesystem::path m_conf;
  std::string m_fsid;
  int m_mon_port = 0;
  RadosGwInfo m_info;
  std::vector<Daemon> m_daemons;
};

} // namespace credguard::test
