#!/usr/bin/env bash
# Builds and runs the whole test suite twice: with the dev preset (warnings
# as errors), then under AddressSanitizer + UndefinedBehaviorSanitizer;
# then runs every libFuzzer target briefly (scripts/fuzz.sh, 10 s each, or
# $CREDGUARD_FUZZ_SECONDS). Give presets to run only those: test.sh dev fuzz.
# Assumes scripts/deps.sh test has run.
set -euo pipefail
cd "$(dirname "$0")/.."

# With ccache installed (deps.sh test installs it), builds share one cache
# whatever the checkout's path.
launcher=()
if command -v ccache >/dev/null; then
  export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
export CREDGUARD_CMAKE_LAUNCHER="${launcher[*]:-}"

presets=("$@")
[ ${#presets[@]} -gt 0 ] || presets=(dev asan fuzz)
for preset in "${presets[@]}"; do
  if [ "$preset" = fuzz ]; then
    scripts/fuzz.sh "${CREDGUARD_FUZZ_SECONDS:-10}"
    continue
  fi
  echo "== $preset: configure and build"
  cmake --preset "$preset" "${launcher[@]}" >/dev/null
  cmake --build --preset "$preset"
  echo "== $preset: test"
  ctest --preset "$preset"
done
