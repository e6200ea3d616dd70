#!/usr/bin/python3
"""The `psi` benchmark: credguard psi against a pandas/numpy implementation
of the same definition (psi_reference.py), on the same generated data, in
the same run. Prints wall time, CPU time and peak memory of both, the
speed ratio, and checks that both give the same PSI for every feature to
1e-9. Exits 1 when they disagree (or when a run fails); a ratio below the
target is reported, not fatal: it depends on the machine's load.

Run it through the build: cmake --build --preset release --target bench_psi
"""

import argparse
import json
import os
import subprocess
import sys
import time


def run(argv, stdout_path):
    """Runs argv; returns (exit code, wall s, user s, sys s, peak RSS MiB)."""
    with open(stdout_path, "wb") as out:
        start = time.monotonic()
        process = subprocess.Popen(argv, stdout=out)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.monotonic() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, wall, usage.ru_utime, usage.ru_stime, usage.ru_maxrss / 1024


def generate(generator, path, rows, seed, shift):
    if os.path.exists(path):
        return
    print(f"generating {path} ({rows} rows)", flush=True)
    with open(path + ".tmp", "wb") as out:
        subprocess.run([generator, "generate", str(rows), str(seed), str(shift)], stdout=out, check=True)
    os.rename(path + ".tmp", path)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--credguard", required=True)
    parser.add_argument("--generator", required=True)
    parser.add_argument("--reference", required=True)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--bins", type=int, default=10)
    parser.add_argument("--target-ratio", type=float, default=10.0)
    parser.add_argument("--build-type", default="")
    args = parser.parse_args()

    if args.build_type not in ("Release", "RelWithDebInfo"):
        print(f"warning: credguard is a {args.build_type or 'unknown'} build; "
              "use the release preset for meaningful figures", flush=True)
    os.makedirs(args.data_dir, exist_ok=True)
    base = os.path.join(args.data_dir, f"baseline-{args.rows}.csv")
    cur = os.path.join(args.data_dir, f"current-{args.rows}.csv")
    generate(args.generator, base, args.rows, 1, 0)
    generate(args.generator, cur, args.rows, 2, 1)
    size_mb = (os.path.getsize(base) + os.path.getsize(cur)) / 1e6

    cg_json = os.path.join(args.data_dir, "credguard.json")
    ref_json = os.path.join(args.data_dir, "reference.json")
    print(f"credguard psi: {args.rows} rows x 10 columns, two files, {size_mb:.0f} MB", flush=True)
    cg = run([args.credguard, "psi", "--baseline", base, "--current", cur, "--bins", str(args.bins),
              "--output", "json", "-q"], cg_json)
    if cg[0] not in (0, 1, 2):
        print(f"credguard failed with exit code {cg[0]}")
        return 1
    print("pandas/numpy reference: same data", flush=True)
    ref = run([sys.executable, args.reference, base, cur, str(args.bins), "0.0001"], ref_json)
    if ref[0] != 0:
        print(f"the reference failed with exit code {ref[0]}")
        return 1

    with open(cg_json) as f:
        mine = {f["name"]: f["psi"] for f in json.load(f)["features"]}
    with open(ref_json) as f:
        theirs = {f["name"]: f["psi"] for f in json.load(f)["features"]}
    worst = max(abs(mine[name] - theirs[name]) for name in theirs) if mine.keys() == theirs.keys() else float("inf")

    print()
    print(f"{'':22} {'wall s':>8} {'user s':>8} {'sys s':>8} {'peak RSS MiB':>13}")
    for name, r in (("credguard psi", cg), ("pandas/numpy", ref)):
        print(f"{name:22} {r[1]:8.2f} {r[2]:8.2f} {r[3]:8.2f} {r[4]:13.0f}")
    ratio = ref[1] / cg[1]
    cpu_ratio = (ref[2] + ref[3]) / (cg[2] + cg[3])
    print(f"\nspeed-up: {ratio:.1f}x wall, {cpu_ratio:.1f}x CPU time "
          f"(target {args.target_ratio:g}x wall: {'met' if ratio >= args.target_ratio else 'NOT MET'})")
    print(f"throughput: {size_mb / cg[1]:.0f} MB/s; CPUs: {os.cpu_count()}; "
          f"load average before: {os.getloadavg()[0]:.1f}")
    print(f"agreement: largest |PSI difference| over {len(theirs)} features = {worst:.3g} "
          f"({'ok' if worst <= 1e-9 else 'FAILED'}, limit 1e-9)")
    for name in theirs:
        print(f"  {name:14} {mine.get(name, float('nan')):.17g}  {theirs[name]:.17g}")
    return 0 if worst <= 1e-9 else 1


if __name__ == "__main__":
    sys.exit(main())
