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

CAERS = REPO / "tests" / "data" / "signals_data" / "caers.csv"


def synthetic_reports(path: Path, *, reports: int = 400_000, seed: int = 20240601) -> Path:
    """Write (once) a synthetic report-level file shaped like FAERS: `id, var1, var2, strat_sex,
    strat_age`, Zipf-like drug and event popularity, each drug with a 30-event profile that
    some event slots are drawn from. No real data; the same seed gives the same file."""
    if path.exists():
        return path
    import numpy as np

    rng = np.random.default_rng(seed)
    n_drugs, n_events = 4_000, 2_000

    def zipf(n: int, s: float) -> np.ndarray:
        w = 1.0 / np.arange(1, n + 1) ** s
        return w / w.sum()

    drug_p, event_p = zipf(n_drugs, 1.1), zipf(n_events, 0.9)
    profiles = rng.choice(n_events, size=(n_drugs, 30), p=event_p)
    n_drug = 1 + rng.poisson(1.0, reports)
    n_event = 1 + rng.poisson(2.6, reports)
    report_of_drug = np.repeat(np.arange(reports), n_drug)
    drugs = rng.choice(n_drugs, size=len(report_of_drug), p=drug_p)
    first_drug = drugs[np.r_[0, np.cumsum(n_drug)[:-1]]]
    report_of_event = np.repeat(np.arange(reports), n_event)
    events = rng.choice(n_events, size=len(report_of_event), p=event_p)
    from_profile = rng.random(len(events)) < 0.4
    slot = rng.integers(0, 30, len(events))
    events[from_profile] = profiles[first_drug[report_of_event], slot][from_profile]
    d = pd.DataFrame({"id": report_of_drug, "var1": drugs})
    e = pd.DataFrame({"id": report_of_event, "var2": events})
    rows = d.merge(e, on="id").drop_duplicates()
    sex = rng.choice(["F", "M", "UNK"], size=reports, p=[0.55, 0.4, 0.05])
    age = rng.choice(["<18", "18-44", "45-64", "65+", "UNK"], size=reports)
    rows["strat_sex"] = sex[rows["id"].to_numpy()]
    rows["strat_age"] = age[rows["id"].to_numpy()]
    rows["var1"] = "DRUG" + rows["var1"].astype(str)
    rows["var2"] = "EVENT" + rows["var2"].astype(str)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows.to_csv(path, index=False, compression={"method": "gzip", "mtime": 0})
    return path


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
