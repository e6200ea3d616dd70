#!/usr/bin/python3
"""The reference implementation of `credguard psi` for the benchmark: the
definition of credguard(1) written the way a data scientist would, with
pandas and numpy (Debian's python3-pandas).

    psi_reference.py BASELINE CURRENT BINS EPSILON  -> JSON on stdout

It agrees with credguard on the benchmark's data. It is not a second
implementation of every rule: pandas' own number parser decides which
columns are numeric (it also reads "inf", and " 1" with spaces, as numbers,
which credguard treats as text).
"""

import json
import sys

import numpy as np
import pandas as pd

MISSING = ["", "NA", "NaN", "nan", "null", "NULL"]


def read(path):
    return pd.read_csv(path, na_values=MISSING, keep_default_na=False, encoding="utf-8")


def numeric_counts(base, cur, bins):
    values = base.dropna().to_numpy(dtype=np.float64)
    edges = np.unique(np.quantile(values, np.arange(1, bins) / bins))
    counts = []
    for series in (base, cur):
        present = series.dropna().to_numpy(dtype=np.float64)
        # Right-closed bins: the number of edges strictly below x.
        index = np.searchsorted(edges, present, side="left")
        binned = np.bincount(index, minlength=len(edges) + 1).astype(np.float64)
        counts.append(np.append(binned, series.isna().sum()))
    return counts


def categorical_counts(base, cur):
    base_counts = base.value_counts(dropna=True)
    cur_counts = cur.value_counts(dropna=True)
    labels = sorted(set(base_counts.index) | set(cur_counts.index))
    b = base_counts.reindex(labels, fill_value=0).to_numpy(dtype=np.float64)
    c = cur_counts.reindex(labels, fill_value=0).to_numpy(dtype=np.float64)
    return [np.append(b, base.isna().sum()), np.append(c, cur.isna().sum())]


def psi(base_counts, cur_counts, base_rows, cur_rows, epsilon):
    b = base_counts / base_rows
    c = cur_counts / cur_rows
    b = np.where(b == 0, epsilon, b)
    c = np.where(c == 0, epsilon, c)
    return float(np.sum((c - b) * np.log(c / b)))


def main():
    base_path, cur_path, bins, epsilon = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    base = read(base_path)
    cur = read(cur_path)
    features = []
    for name in base.columns:
        numeric = pd.api.types.is_numeric_dtype(base[name]) and pd.api.types.is_numeric_dtype(cur[name])
        if numeric:
            counts = numeric_counts(base[name], cur[name], bins)
        else:
            counts = categorical_counts(base[name].astype(str).where(base[name].notna()),
                                        cur[name].astype(str).where(cur[name].notna()))
        value = psi(counts[0], counts[1], len(base), len(cur), epsilon)
        features.append({"name": name, "kind": "numeric" if numeric else "categorical", "psi": value})
    json.dump({"features": features, "max_psi": max(f["psi"] for f in features)}, sys.stdout)


if __name__ == "__main__":
    main()
