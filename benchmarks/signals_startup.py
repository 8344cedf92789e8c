"""`pv signals compute` on caers, the whole command as a user runs it (interpreter start-up,
imports, read, count, fit, score, write), wall clock: the median of N runs, hyperfine-style,
against the import floor on this machine and, optionally, against another checkout ("before").

.venv/bin/python benchmarks/signals_startup.py [--runs 10] [--before /path/to/other/checkout]

Each run is a fresh `python -m pv.cli signals compute ...` whose working directory is the
checkout, so that checkout's packages are the ones imported. "--engine pandas" rows time this
checkout's pandas/scipy path on the same input (caers takes the numpy-only path by default).
Each line also gives the median CPU time (user + sys) of the runs: on a machine shared with
other work the wall clock follows the load, the CPU time much less so.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
CAERS = HERE / "tests" / "data" / "signals_data" / "caers.csv"
FLOOR = {
    "python -c pass": "pass",
    "import numpy": "import numpy",
    "import numpy, scipy.special": "import numpy, scipy.special",
    "import pandas": "import pandas",
    "import pandas, scipy.special, scipy.optimize": "import pandas, scipy.special, scipy.optimize",
}


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _time(argv: list[str], cwd: Path, runs: int) -> list[tuple[float, float]]:
    """(wall, cpu) seconds per run."""
    times = []
    for _ in range(runs):
        cpu, tick = _cpu(), time.perf_counter()
        subprocess.run(argv, cwd=cwd, check=True, capture_output=True)
        times.append((time.perf_counter() - tick, _cpu() - cpu))
    return times


def _line(label: str, runs: list[tuple[float, float]]) -> str:
    wall = [w for w, _ in runs]
    cpu = statistics.median(c for _, c in runs)
    return (
        f"{label:58} median {statistics.median(wall):6.3f} s"
        f"  (min {min(wall):.3f}, max {max(wall):.3f}, {len(wall)} runs; cpu {cpu:.3f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--before", type=Path, help="another checkout to compare with")
    args = parser.parse_args()
    python = sys.executable
    with tempfile.TemporaryDirectory() as scratch:
        out = str(Path(scratch) / "out.csv")
        subprocess.run(
            [python, "-m", "pv.cli", "signals", "compute", str(CAERS), "-o", out],
            cwd=HERE,
            check=True,
            capture_output=True,
        )  # fmt: skip  (warm the caches)
        for label, code in FLOOR.items():
            print(_line(f"floor: {label}", _time([python, "-c", code], HERE, args.runs)))
        commands = {
            "compute caers, theta fitted": [],
            "compute caers, --hyper (fixed theta)": ["--hyper", "0.2,0.06,1.4,1.8,0.1"],
            "compute caers, theta fitted, --engine pandas": ["--engine", "pandas"],
            "compute --help": None,
        }
        trees = [("after", HERE)] + ([("before", args.before.resolve())] if args.before else [])
        for label, extra in commands.items():
            argv = [python, "-m", "pv.cli", "signals", "compute"]
            argv += ["--help"] if extra is None else [str(CAERS), "-o", out, *extra]
            # Interleaved (after, before, after, ...) so a change in the machine's load hits both.
            here = trees[:1] if "--engine" in argv else trees  # older checkouts lack --engine
            times: dict[str, list[tuple[float, float]]] = {name: [] for name, _ in here}
            for _ in range(args.runs):
                for name, tree in here:
                    times[name] += _time(argv, tree, 1)
            for name, _ in here:
                print(_line(f"{name}: {label}", times[name]))


if __name__ == "__main__":
    main()
