"""caers end to end (read, count, fit, score every measure): target <= 0.3 s.

.venv/bin/python benchmarks/signals_caers.py [FILE]   # default: the copy under tests/data/
"""

import sys
from pathlib import Path

from signals_common import CAERS, run

if __name__ == "__main__":
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else CAERS
    run(path, strata=[], hyper=None, label="caers")
