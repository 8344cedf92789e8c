"""Benchmark: import (parse with kept elements) and re-export (build) of received ICSRs.

Run on one core, pointing at a folder of received ICSR files (FDA's examples by default):
    taskset -c 1 .venv/bin/python benchmarks/e2b_lossless.py [--dir DIR] [--repeat 5]
Prints ICSRs per second for parse alone (typed snapshot only), parse with kept elements (what
import does), the JSON document round trip, and build of the parsed case (what re-export does).
Files over 1 MB (Scenario 6's attachments) are left out so that one file does not dominate.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from submissions.e2b.build import build_batch  # noqa: E402
from submissions.e2b.document import snapshot_from_document, snapshot_to_document  # noqa: E402
from submissions.e2b.parse import _typed_message, parse_batch  # noqa: E402
from submissions.e2b.safexml import parse_xml  # noqa: E402

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "e2b" / "examples" / "fda" / "icsr"


def _rate(label: str, count: int, func, repeat: int) -> None:
    rates = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        rates.append(count / (time.perf_counter() - start))
    print(f"{label:<38} best {max(rates):7.0f}/s  median {statistics.median(rates):7.0f}/s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=10, help="passes over the files per run")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    files = [p.read_bytes() for p in sorted(args.dir.glob("*.xml")) if p.stat().st_size < 1 << 20]
    if not files:
        sys.exit(f"no ICSR files under {args.dir}")
    count = len(files) * args.rounds
    batches = [parse_batch(data) for data in files]
    documents = [json.dumps(snapshot_to_document(b.cases[0], b.header)) for b in batches]
    print(f"{len(files)} files x {args.rounds} rounds, best and median of {args.repeat} runs")

    def typed_only() -> None:
        for _ in range(args.rounds):
            for data in files:
                root = parse_xml(data)
                for message in root.iterfind("{urn:hl7-org:v3}PORR_IN049016UV"):
                    _typed_message(message)

    def with_kept() -> None:
        for _ in range(args.rounds):
            for data in files:
                parse_batch(data)

    def document() -> None:
        for _ in range(args.rounds):
            for text in documents:
                snapshot_from_document(json.loads(text))

    def build() -> None:
        for _ in range(args.rounds):
            for batch in batches:
                build_batch(batch.header, batch.cases)

    _rate("parse, typed snapshot only", count, typed_only, args.repeat)
    _rate("parse with kept elements (import)", count, with_kept, args.repeat)
    _rate("JSON document -> snapshot", count, document, args.repeat)
    _rate("build with kept elements (re-export)", count, build, args.repeat)


if __name__ == "__main__":
    main()
