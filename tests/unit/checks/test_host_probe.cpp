#include <credguard/checks/host_probe.hpp>

#include <catch2/catch.hpp>

using namespace credguard::checks;

TEST_CASE("host probe: /proc/stat aggregate CPU times")
{
  auto before = parse_proc_stat("cpu  100 0 100 700 100 0 0 0 0 0\ncpu0 1 2 3 4\n");
  auto after = parse_proc_stat("cpu  250 0 150 750 150 0 0 0 0 0\n");
  REQUIRE(before);
  REQUIRE(after);
  CHECK(before->total == 1000);
  CHECK(before->idle == 800);
  // 300 jiffies passed, 100 of them idle or iowait: two thirds busy.
  CHECK(cpu_busy_percent(*before, *after) == Approx(66.6667).epsilon(1e-4));
  CHECK(cpu_busy_percent(*before, *before) == 0.0);
  CHECK_FALSE(parse_proc_stat("intr 1 2 3\n"));
}

TEST_CASE("host probe: memory in use from MemAvailable")
{
  auto info = parse_meminfo("MemTotal:       1000 kB\nMemFree:   100 kB\nMemAvailable:    250 kB\n");
  REQUIRE(info);
  CHECK(info->used_percent() == Approx(75.0));
  CHECK_FALSE(parse_meminfo("MemTotal: 1000 kB\n"));
}

TEST_CASE("host probe: mounts, with escaped spaces, and virtual file systems")
{
  auto mounts = parse_mounts("/dev/vda / ext4 rw 0 0\nproc /proc proc rw 0 0\n/dev/vdb /mnt/my\\040disk xfs rw 0 0\n");
  REQUIRE(mounts.size() == 3);
  CHECK(mounts[2].path == "/mnt/my disk");
  CHECK(is_virtual_fs("proc"));
  CHECK(is_virtual_fs("tmpfs"));
  CHECK_FALSE(is_virtual_fs("ext4"));
}

TEST_CASE("host probe: disk use counts reserved blocks as df does")
{
  DiskUsage usage{1000, 850, 100};
  CHECK(usage.used_percent() == Approx(100.0 * 850 / 950));
  auto root = disk_usage("/");
  REQUIRE(root);
  CHECK(root->size_bytes > 0);
  CHECK_FALSE(disk_usage("/nonexistent/mount"));
}

TEST_CASE("host probe: load averages")
{
  auto loads = parse_loadavg("0.50 1.25 2.00 1/77 3021\n");
  REQUIRE(loads);
  CHECK((*loads)[1] == Approx(1.25));
}
