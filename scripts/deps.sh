#!/usr/bin/env bash
# Installs, from Debian's archive, what credguard needs.
#   scripts/deps.sh build   compilers and libraries to build and run credguard
#   scripts/deps.sh test    the above, plus the test framework and the real
#                           servers the test suite starts on loopback
#   scripts/deps.sh bench   the build packages, plus the reference
#                           implementations the benchmarks compare against
# Run as root (or with sudo available). Safe to run again.
set -euo pipefail

build_packages=(
  ca-certificates cmake ninja-build g++ pkg-config
  libcli11-dev libfmt-dev nlohmann-json3-dev libcurl4-openssl-dev
  libsqlitecpp-dev libsqlite3-dev libssl-dev libyaml-cpp-dev libmariadb-dev zlib1g-dev
  mariadb-client   # mariadb-dump and mariadb, run by the backup jobs
)
test_packages=(
  catch2 openssl procps varnish
  mariadb-server prometheus
  radosgw ceph-mon ceph-osd   # Ceph's S3 gateway: the real S3 server of tests/support/radosgw
  libxml2-utils   # xmllint: JUnit output is checked by a real XML parser
  curl            # warms the Varnish cache the revoke tests purge
  ccache          # scripts/test.sh builds three presets through one cache
  clang libclang-rt-dev   # the fuzz preset: clang++ and libFuzzer with ASan/UBSan (scripts/fuzz.sh)
)
# What the benchmarks compare against: pandas/numpy for psi, a shell loop
# of curl for purge-cache, GNU time for peak memory.
bench_packages=(
  python3 python3-numpy python3-pandas time curl
)

case "${1:-}" in
  build) packages=("${build_packages[@]}") ;;
  test) packages=("${build_packages[@]}" "${test_packages[@]}") ;;
  bench) packages=("${build_packages[@]}" "${bench_packages[@]}") ;;
  *) echo "usage: $0 build|test|bench" >&2; exit 64 ;;
esac

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "$0: run as root (or install sudo)" >&2; exit 77; }
  as_root=(sudo)
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

# Servers installed for the tests must not start as system services: the
# tests start their own on loopback. policy-rc.d tells invoke-rc.d so.
policy=/usr/sbin/policy-rc.d
placed_policy=no
if [ "$1" = test ] && [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | "${as_root[@]}" tee "$policy" >/dev/null
  "${as_root[@]}" chmod 755 "$policy"
  placed_policy=yes
fi
cleanup() { if [ "$placed_policy" = yes ]; then "${as_root[@]}" rm -f "$policy"; fi; }
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
# DPkg::Lock::Timeout covers the dpkg lock, not the lists lock that update
# takes: when another install is updating, wait and try again.
for attempt in $(seq 1 90); do
  "${as_root[@]}" apt-get -o DPkg::Lock::Timeout=900 update -qq && break
  [ "$attempt" -lt 90 ] || exit 69
  sleep 10
done
"${as_root[@]}" apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${missing[@]}"
