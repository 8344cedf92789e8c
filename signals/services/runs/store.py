"""Storing a run: every pair's measures (bulk) and the signal records it raises (idempotent)."""

from __future__ import annotations

import math

import numpy as np
from django.utils import timezone

from pv.audit import audit_record
from signals.models import Signal, SignalResult
from signals.stats.priority import name_key
from signals.trends import MEASURES, first_signals

_RESULT_BATCH = 2000


def _clean(value) -> float | None:
    value = float(value)
    return None if math.isnan(value) else value


def store_results(run, trend, flags, labels, socs, latest, priorities) -> int:
    measures = [f for f in SignalResult.MEASURE_FIELDS if f not in ("n", "expected")]
    values = {m: trend[m].to_numpy(np.float64) for m in [*measures, "qn"]}
    objs = []
    for i, row in enumerate(
        trend[
            ["period", "drug", "event", "n", "n_drug", "n_event", "n_total", "expected"]
        ].itertuples(index=False)
    ):
        objs.append(
            SignalResult(
                run=run,
                period=row.period,
                is_latest=row.period == latest,
                drug_key=row.drug,
                drug=labels.get(row.drug, row.drug)[:250],
                event=row.event,
                soc=socs.get(row.event, "") or "",
                n=int(row.n),
                n_drug=int(row.n_drug),
                n_event=int(row.n_event),
                n_total=int(row.n_total),
                expected=float(row.expected),
                **{m: _clean(values[m][i]) for m in values},
                **{f: bool(flags[f].iat[i]) for f in flags.columns},
                event_key=name_key(row.event)[:250],
                **(priorities.get((row.drug, row.event), {}) if row.period == latest else {}),
            )
        )
    SignalResult.objects.bulk_create(objs, batch_size=_RESULT_BATCH)
    return len(objs)


def raise_signals(run, trend, limits, labels, socs) -> int:
    """Signal records for pairs that met the run's signal measure (its lower-bound criterion
    and minimum N); every other measure the pair meets is recorded alongside, but no measure
    raises a record on its own. Existing records are updated."""
    hits = first_signals(trend, limits, measures=MEASURES)
    if hits.empty:
        return 0
    chosen = hits.loc[hits["measure"] == run.signal_measure, ["drug", "event"]]
    hits = hits.merge(chosen.drop_duplicates(), on=["drug", "event"])
    if hits.empty:
        return 0
    scope = {"source": run.source, "drug_level": run.drug_level, "event_level": run.event_level}
    existing = {(s.drug_key, s.event): s for s in Signal.objects.filter(**scope).order_by()}
    fresh, changed = [], []
    for (drug, event), group in hits.groupby(["drug", "event"], sort=False):
        found = {
            r.measure: {
                "first_period": r.first_period,
                "n": int(r.n),
                "value": _json_float(r.value),
                "lower": _json_float(r.lower),
                "run": str(run.id),
            }
            for r in group.itertuples(index=False)
        }
        signal = existing.get((drug, event))
        if signal is None:
            fresh.append(
                Signal(
                    **scope,
                    drug_key=drug,
                    drug=labels.get(drug, drug)[:250],
                    event=event,
                    soc=socs.get(event, "") or "",
                    first_period=min(group["first_period"]),
                    measures=found,
                    first_run=run,
                    last_run=run,
                )
            )
            continue
        merged = dict(signal.measures)
        for measure, info in found.items():
            if measure not in merged or info["first_period"] < merged[measure]["first_period"]:
                merged[measure] = info
        signal.measures = merged
        signal.first_period = min(v["first_period"] for v in merged.values())
        signal.last_run = run
        signal.updated_at = timezone.now()
        changed.append(signal)
    if changed:
        Signal.objects.bulk_update(
            changed, ["measures", "first_period", "last_run", "updated_at"], batch_size=500
        )
    Signal.objects.bulk_create(fresh, batch_size=500, ignore_conflicts=True)
    # With ignore_conflicts a concurrent run may have inserted the same pair: audit only ours.
    inserted = Signal.objects.filter(id__in=[s.id for s in fresh], first_run=run)
    count = 0
    for signal in inserted.order_by("first_period", "drug", "event"):
        audit_record(
            actor=run.requested_by or "system",
            action="signal.raised",
            obj=signal,
            after={
                "status": signal.status,
                "source": signal.source,
                "drug": signal.drug,
                "event": signal.event,
                "first_period": signal.first_period,
                "measures": signal.measures,
            },
        )
        count += 1
    return count


def _json_float(value) -> float | str | None:
    value = float(value)
    if math.isnan(value):
        return None
    if math.isinf(value):
        return "Inf" if value > 0 else "-Inf"
    return value
