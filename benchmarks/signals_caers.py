"""caers end to end (read, count, fit, score every measure): target <= 0.3 s.

.venv/bin/python benchmarks/signals_caers.py
"""

from signals_common import run, shared_dir

if __name__ == "__main__":
    path = shared_dir() / "signals_data" / "caers.csv"
    run(path, strata=[], hyper=None, label="caers")
