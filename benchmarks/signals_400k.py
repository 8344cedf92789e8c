"""Synthetic 400k reports / 3.0M rows / 876k pairs: target <= 10 s and <= 1.5 GB peak RSS.

.venv/bin/python benchmarks/signals_400k.py            # fit theta (default)
.venv/bin/python benchmarks/signals_400k.py --fixed    # NOTES.md's fixed theta
.venv/bin/python benchmarks/signals_400k.py --strata   # stratified by sex x age
"""

import sys

from signals_common import run, shared_dir

from signals.stats import Hyperparameters

if __name__ == "__main__":
    path = shared_dir() / "signals_data" / "synthetic_faers_like_400k.csv.gz"
    fixed = Hyperparameters(0.2, 0.06, 1.4, 1.8, 0.1) if "--fixed" in sys.argv else None
    strata = ["strat_sex", "strat_age"] if "--strata" in sys.argv else []
    run(path, strata=strata, hyper=fixed, label="synth400k")
