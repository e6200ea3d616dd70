#!/usr/bin/env bash
# Builds and runs the whole test suite twice: with the dev preset (warnings
# as errors), then under AddressSanitizer + UndefinedBehaviorSanitizer.
# Assumes scripts/deps.sh test has run.
set -euo pipefail
cd "$(dirname "$0")/.."

presets=("$@")
[ ${#presets[@]} -gt 0 ] || presets=(dev asan)
for preset in "${presets[@]}"; do
  echo "== $preset: configure and build"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
  echo "== $preset: test"
  ctest --preset "$preset"
done
