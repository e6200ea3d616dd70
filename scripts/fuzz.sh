#!/usr/bin/env bash
# Builds the fuzz preset (clang, libFuzzer, ASan + UBSan) and runs each
# target of tests/fuzz for SECONDS (default 20) from its seed corpus
# tests/fuzz/corpus/<target>/. Fails when any target finds a crash, a
# sanitizer report, a leak, an input slower than 10 s or a run past 2 GiB;
# the input is kept as build/fuzz/findings/<target>-crash-* (add it to the
# corpus and turn it into a test in tests/unit/; README.md, "Fuzzing").
# Prints the executions per target. New inputs go to a temporary directory,
# never into the repository's corpus.
#   scripts/fuzz.sh            20 s per target
#   scripts/fuzz.sh 600        a longer run: 10 minutes per target
#   FUZZ_JOBS=2 scripts/fuzz.sh    two targets at a time (default: 2)
#   FUZZ_TARGETS="csv s3_xml" scripts/fuzz.sh   only these targets
# Assumes scripts/deps.sh test has run (clang, libclang-rt-dev).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-20}
jobs=${FUZZ_JOBS:-2}
case "$seconds$jobs" in *[!0-9]*) echo "usage: $0 [SECONDS]  (FUZZ_JOBS=N)" >&2; exit 64 ;; esac

echo "== fuzz: configure and build"
# shellcheck disable=SC2086 # test.sh passes the ccache launcher flags, when any
cmake --preset fuzz ${CREDGUARD_CMAKE_LAUNCHER:-} >/dev/null
cmake --build --preset fuzz

bin=build/fuzz/tests/fuzz
out=build/fuzz/fuzz-runs
rm -rf "$out"
mkdir -p "$out" build/fuzz/findings
targets=${FUZZ_TARGETS:-$(cd tests/fuzz/corpus && ls)}

run_one() {
  local name=$1
  local work
  work=$(mktemp -d)
  # UBSan halts (-fno-sanitize-recover); the stack says where.
  if UBSAN_OPTIONS=print_stacktrace=1 "$bin/fuzz_$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -max_len=16384 -print_final_stats=1 -artifact_prefix="build/fuzz/findings/$name-" \
      "$work" "tests/fuzz/corpus/$name" >"$out/$name.log" 2>&1; then
    echo ok >"$out/$name.status"
  else
    echo failed >"$out/$name.status"
  fi
  rm -rf "$work"
}

echo "== fuzz: $seconds s per target, $jobs at a time"
running=0
for name in $targets; do
  [ -x "$bin/fuzz_$name" ] || { echo "fuzz: no target fuzz_$name for tests/fuzz/corpus/$name" >&2; exit 70; }
  run_one "$name" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n
    running=$((running - 1))
  fi
done
wait

failed=0
for name in $targets; do
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$name.log")
  printf '%-16s %10s executions  %s\n' "$name" "${executions:-?}" "$(cat "$out/$name.status")"
  if [ "$(cat "$out/$name.status")" != ok ]; then
    failed=1
    echo "---- $out/$name.log (end)"
    grep -v '^#[0-9]' "$out/$name.log" | tail -40
  fi
done
exit "$failed"
