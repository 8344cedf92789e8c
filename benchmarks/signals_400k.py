"""400k reports end to end: target <= 10 s and <= 1.5 GB peak RSS.

.venv/bin/python benchmarks/signals_400k.py [FILE]          # fit theta (default)
.venv/bin/python benchmarks/signals_400k.py [FILE] --fixed  # NOTES.md's fixed theta
.venv/bin/python benchmarks/signals_400k.py [FILE] --strata # stratified by sex x age

FILE is a report-level CSV (`id, var1, var2, strat_sex, strat_age`, gzip allowed), e.g. the
team's `synthetic_faers_like_400k.csv.gz` (3.0M rows, 876k pairs). Without FILE the script
generates a comparable synthetic file once (fixed seed) under $TMPDIR and times that.
"""

import os
import sys
from pathlib import Path

from signals_common import run, synthetic_reports

from signals.stats import Hyperparameters

if __name__ == "__main__":
    files = [a for a in sys.argv[1:] if not a.startswith("--")]
    tmp = Path(os.environ.get("TMPDIR", "/tmp"))
    path = Path(files[0]) if files else synthetic_reports(tmp / "pv_bench_synth400k.csv.gz")
    fixed = Hyperparameters(0.2, 0.06, 1.4, 1.8, 0.1) if "--fixed" in sys.argv else None
    strata = ["strat_sex", "strat_age"] if "--strata" in sys.argv else []
    run(path, strata=strata, hyper=fixed, label="synth400k")
