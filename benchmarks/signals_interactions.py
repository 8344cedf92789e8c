"""Drug-drug interaction screening (Omega) cost: caers and the 400k synthetic set.

.venv/bin/python benchmarks/signals_interactions.py [FILE] [--max-pairs 5000] [--min-n 3]

Times `count_interactions` (counting every (drug pair, event) with >= min_n reports, the
pair cap, Omega and its interval) on caers, then on FILE or the synthetic 400k-report file that
benchmarks/signals_400k.py generates (under $TMPDIR, fixed seed), and prints what bounded the
work (drug pairs eligible / screened, triples kept) and the peak RSS of the process.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from pathlib import Path

import pandas as pd
from signals_common import CAERS, synthetic_reports

from signals.stats.interactions import count_interactions


def _one(label: str, path: Path, *, min_n: int, max_pairs: int) -> None:
    rows = pd.read_csv(path, usecols=["id", "var1", "var2"], dtype={"var1": str, "var2": str})
    tick = time.perf_counter()
    screen = count_interactions(rows, min_n=min_n, max_pairs=max_pairs)
    seconds = time.perf_counter() - tick
    table = screen.table
    highlighted = int((table["omega025"] > 0).sum())
    print(
        f"{label}: {rows['id'].nunique():,} reports, {len(rows):,} rows -> "
        f"{screen.pairs_eligible:,} drug pairs with >= {min_n} reports, "
        f"{screen.pairs_screened:,} screened, {len(table):,} triples, {highlighted:,} with "
        f"Omega025 > 0: {seconds:.2f} s; peak RSS so far "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path)
    parser.add_argument("--min-n", type=int, default=3)
    parser.add_argument("--max-pairs", type=int, default=5_000)
    args = parser.parse_args()
    _one("caers", CAERS, min_n=args.min_n, max_pairs=args.max_pairs)
    tmp = Path(os.environ.get("TMPDIR", "/tmp"))
    big = args.file or synthetic_reports(tmp / "pv_bench_synth400k.csv.gz")
    _one(big.name, big, min_n=args.min_n, max_pairs=args.max_pairs)


if __name__ == "__main__":
    main()
