"""Drug-drug interaction screening in a run: Omega (Norén et al. 2008) on the last period.

A run with ``interactions`` pulls its analysed (report, drug, event) rows once, hands them to
the pure `count_interactions` and stores one `InteractionResult` per (drug pair, event) with
n111 >= the run's minimum N (the EBGM measure's, default 3). Highlighted: Omega025 > 0. Only
the last period is screened (the cumulative data a sponsor acts on; per-quarter trends of
triples would multiply the work). Interaction findings are shown, not raised as signal
records: a record is one drug and one event.
"""

from __future__ import annotations

import math

import pandas as pd
from django.conf import settings
from django.db.models import QuerySet

from signals.models import InteractionResult, SignalRun
from signals.stats.interactions import count_interactions

_BATCH = 2000


def _clean(value) -> float | None:
    value = float(value)
    return None if math.isnan(value) else value


def interactions_store(
    *, run: SignalRun, facts: QuerySet, drug_col: str, event_col: str, period: str, labels: dict
) -> dict:
    """Screen and store; returns the summary kept on the run."""
    min_n = int(run.thresholds.get("eb_min_n", 3))
    max_pairs = settings.PV_SIGNALS_INTERACTION_MAX_PAIRS
    qs = facts.exclude(**{drug_col: ""}).exclude(**{event_col: ""}).order_by()
    columns = ["report_key", drug_col, event_col]
    rows = pd.DataFrame.from_records(list(qs.values_list(*columns).distinct()), columns=columns)
    summary = {"period": period, "min_n": min_n, "max_pairs": max_pairs}
    if rows.empty:
        return {**summary, "pairs_eligible": 0, "pairs_screened": 0, "stored": 0, "highlighted": 0}
    screen = count_interactions(
        rows, id_col="report_key", drug_col=drug_col, event_col=event_col,
        min_n=min_n, max_pairs=max_pairs,
    )  # fmt: skip
    table = screen.table
    objs = [
        InteractionResult(
            run=run,
            period=period,
            drug1_key=row.drug1,
            drug1=labels.get(row.drug1, row.drug1)[:250],
            drug2_key=row.drug2,
            drug2=labels.get(row.drug2, row.drug2)[:250],
            event=row.event,
            **{c: int(getattr(row, c)) for c in
               ("n111", "n11", "n10", "n01", "n00", "n101", "n011", "n001", "n_total")},
            expected=_clean(row.expected),
            omega=_clean(row.omega),
            omega025=_clean(row.omega025),
            omega975=_clean(row.omega975),
            highlighted=bool(row.omega025 > 0),
        )
        for row in table.itertuples(index=False)
    ]  # fmt: skip
    InteractionResult.objects.bulk_create(objs, batch_size=_BATCH)
    return {
        **summary,
        "pairs_eligible": screen.pairs_eligible,
        "pairs_screened": screen.pairs_screened,
        "stored": len(objs),
        "highlighted": sum(o.highlighted for o in objs),
    }
