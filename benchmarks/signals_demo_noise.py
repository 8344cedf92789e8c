"""The demo's signal noise after seeding: records raised, their minimum N, known (listed)
records, and fits out of bounds shown. Figures for docs/signals_service.md ("Demo noise").

    .venv/bin/python benchmarks/signals_demo_noise.py [--members 400 --posts 3000 --reports 600]

Seeds the full synthetic demo (as `pv demo` does; about a minute or two) into an in-memory
SQLite database with eager tasks, then prints one line per demo run and the totals. Without
arguments the community is `generate_community()`'s default size (the demo's).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pv.settings.test")
os.environ.setdefault("PV_VAR_DIR", tempfile.mkdtemp(prefix="pv-demo-noise-"))

import django  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int)
    parser.add_argument("--posts", type=int)
    parser.add_argument("--reports", type=int)
    args = parser.parse_args()
    django.setup()
    from django.core.management import call_command  # noqa: PLC0415

    call_command("migrate", interactive=False, verbosity=0)
    import logging  # noqa: PLC0415

    logging.disable(logging.WARNING)
    from demo.community import generate_community  # noqa: PLC0415
    from demo.services import demo_seed  # noqa: PLC0415
    from signals.listedness import listed_keys  # noqa: PLC0415
    from signals.models import Signal, SignalRun  # noqa: PLC0415
    from signals.stats.priority import COMPONENTS, name_key  # noqa: PLC0415

    sizes = {k: v for k, v in vars(args).items() if v}
    start = time.perf_counter()
    demo_seed(community=generate_community(**sizes))
    print(f"seeded in {time.perf_counter() - start:.0f} s")
    total = {"records": 0, "known": 0, "n1": 0}
    min_n = []
    for run in SignalRun.objects.filter(trigger="demo").order_by("created_at"):
        records = list(
            Signal.objects.filter(
                source=run.source, drug_level=run.drug_level, event_level=run.event_level
            )
        )
        keys = listed_keys(drug_level=run.drug_level)
        known = sum(name_key(s.event) in keys.get(s.drug_key, set()) for s in records)
        measure = run.signal_measure
        ns = [s.measures[measure]["n"] for s in records if measure in s.measures]
        rows = run.results.filter(is_latest=True)
        known_rows = sum(
            name_key(e) in keys.get(d, set()) for d, e in rows.values_list("drug_key", "event")
        )
        fits = run.hyperparameters or {}
        out_of_bounds = sum(
            "out_of_bounds" in (f.get("fallback_reasons") or []) for f in fits.values()
        )
        print(
            f"{run.source}/{run.drug_level}/{run.event_level}: {run.status}; "
            f"{run.n_pairs} pairs, {len(records)} records (min N {min(ns) if ns else '-'}), "
            f"{known} records known / {known_rows} pairs known; quarters {len(run.periods)}, "
            f"fallback prior in {len(run.fit_warnings)} ({out_of_bounds} out of bounds), "
            f"dashboard banner {'shown' if run.fit_warnings else 'none (all fits passed)'}; "
            f"run {sum(v for k, v in run.timings.items() if k != 'priority'):.2f} s, "
            f"of which priority {run.timings.get('priority', 0):.3f} s"
            + (f"; error: {run.error[:80]}" if run.error else "")
        )
        # Which priority components the run's source gave (any latest row with a value).
        parts = [p["components"] for p in rows.values_list("priority_parts", flat=True) if p]
        given = [c for c in COMPONENTS if any(p.get(c) is not None for p in parts)]
        print(f"  components: {', '.join(given) or '-'}")
        total["records"] += len(records)
        total["known"] += known
        total["n1"] += sum(n == 1 for n in ns)
        min_n.extend(ns)
    print(
        f"total: {total['records']} records, minimum N {min(min_n) if min_n else '-'}, "
        f"{total['n1']} at N = 1, {total['known']} known (listed)"
    )


if __name__ == "__main__":
    main()
