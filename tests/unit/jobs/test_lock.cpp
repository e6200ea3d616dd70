#include "support/temp_dir.hpp"

#include <credguard/core/error.hpp>
#include <credguard/jobs/lock.hpp>

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

using namespace credguard;

TEST_CASE("job lock: a second holder is refused with the busy kind, naming the job and the holder")
{
  test::TempDir dir;
  auto lock = std::make_unique<jobs::JobLock>(dir / "locks", "backup-run");
  try {
    jobs::JobLock second(dir / "locks", "backup-run");
    FAIL("the second lock was granted");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::busy);
    CHECK(exit_code_for(e.kind()) == ExitCode::temp_fail);
    CHECK_THAT(e.what(), Catch::Contains("backup-run is already running") &&
                             Catch::Contains("pid " + std::to_string(::getpid())));
  }
  jobs::JobLock other(dir / "locks", "purge-bureau"); // other jobs are independent
  lock.reset();
  CHECK_NOTHROW(jobs::JobLock(dir / "locks", "backup-run"));
}

TEST_CASE("job lock: a process that dies releases its lock")
{
  test::TempDir dir;
  pid_t child = ::fork();
  if (child == 0) {
    jobs::JobLock held(dir.path(), "backup-run");
    ::_exit(0); // no destructor: the kernel releases the lock
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  REQUIRE(WIFEXITED(status));
  CHECK_NOTHROW(jobs::JobLock(dir.path(), "backup-run"));
}
