"""Shared timing harness for the signals benchmarks (not a test; run by hand)."""

from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from signals.csvio import write_csv  # noqa: E402
from signals.stats import OUTPUT_COLUMNS, Hyperparameters, count_pairs, score_table  # noqa: E402


def shared_dir() -> Path:
    return Path(os.environ.get("PV_SHARED_DIR", REPO.parent / "shared"))


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(who).ru_maxrss / 1024


def run(path: Path, *, strata: list[str], hyper: Hyperparameters | None, label: str) -> None:
    """Time read -> count -> fit -> score (the issue's "end to end"), then the CSV write."""
    cols = ["id", "var1", "var2", *strata]
    t0 = time.perf_counter()
    rows = pd.read_csv(path, usecols=cols, dtype={c: "category" for c in cols[1:]})
    t1 = time.perf_counter()
    counts = count_pairs(rows, strata=strata)
    t2 = time.perf_counter()
    result = score_table(counts, hyper=hyper)
    t3 = time.perf_counter()
    rss_scored = peak_rss_mb()
    out = Path(os.environ.get("TMPDIR", "/tmp")) / f"pv_bench_{label}.csv"
    write_csv(result.table, out, OUTPUT_COLUMNS, workers=2)  # as the CLI does
    t4 = time.perf_counter()
    h = result.fit.hyper
    table = result.table
    print(
        f"== {label}: {path.name}, strata={strata or 'none'}, "
        f"theta {'given' if hyper else 'fitted'}"
    )
    print(f"rows {len(rows):,}  pairs {len(table):,}  sum E {table['expected'].sum():,.4f}")
    print(
        f"theta ({h.alpha1:.6g}, {h.beta1:.6g}, {h.alpha2:.6g}, {h.beta2:.6g}, {h.p:.6g})  "
        f"-loglik {result.fit.neg_log_lik:.4f} on {result.fit.n_points:,} points "
        f"(squashed: {result.fit.squashed})"
    )
    print(
        f"EB05>=2: {(table['eb05'] >= 2).sum():,}  "
        f"PRR>=2 & N>=3: {((table['prr'] >= 2) & (table['n'] >= 3)).sum():,}"
    )
    print(
        f"read {t1 - t0:.3f}s  count {t2 - t1:.3f}s  fit+score {t3 - t2:.3f}s  "
        f"-> end to end {t3 - t0:.3f}s"
    )
    print(
        f"peak RSS {rss_scored:,.0f} MB through scoring; write CSV {t4 - t3:.3f}s "
        f"(total with write {t4 - t0:.3f}s, peak RSS {peak_rss_mb():,.0f} MB, "
        f"writer child {peak_rss_mb(resource.RUSAGE_CHILDREN):,.0f} MB)"
    )
