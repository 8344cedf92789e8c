"""Signal runs: create (validated, audited, enqueued on commit), execute (claimed once), store.

A run counts its facts in SQL for every quarter cumulatively (or only the last), feeds each
aggregate to the pure `score_table`, flags thresholds with `flag_signals`, stores every pair's
measures in bulk and raises a signal record the first quarter a pair meets a threshold
(`first_signals`), idempotently: a pair already on record is updated, never duplicated.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import time
from collections.abc import Sequence

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import OperationalError, transaction
from django.utils import timezone

from pv.audit import audit_record
from pv.core.exceptions import DomainError
from pv.core.outbox import task_enqueue_on_commit
from pv.models import Product, User
from signals.models import (
    DrugLevel,
    EventLevel,
    ExternalDataset,
    Signal,
    SignalFact,
    SignalResult,
    SignalRun,
    Source,
)
from signals.services.counting import DRUG_COLUMNS, EVENT_COLUMNS, STRATA
from signals.services.facts import facts_from_cases, facts_from_mentions
from signals.services.grouping import MEDDRA_LEVELS, count_at_level, event_socs, meddra_grouping
from signals.services.interactions import interactions_store
from signals.services.priority import priority_for_run
from signals.services.publishing import signal_run_publish
from signals.services.reopening import signals_reopen_on_new_data
from signals.services.run_options import QUARTER, subgroup_clean, thresholds_from
from signals.services.scoring import score_period
from signals.stats import Hyperparameters
from signals.stats.priority import name_key
from signals.stats.quality import REASONS
from signals.trends import MEASURES, Thresholds, first_signals, flag_signals

logger = logging.getLogger(__name__)

_RESULT_BATCH = 2000


def signal_run_create(
    *,
    source: str,
    drug_level: str = DrugLevel.INGREDIENT,
    event_level: str = EventLevel.PT,
    requested_by: User | None = None,
    trigger: str = SignalRun.Trigger.API,
    dataset_ids: Sequence = (),
    period_to: str = "",
    trend: bool = True,
    strata: Sequence[str] = (),
    yates: bool = True,
    thresholds: dict | None = None,
    hyper: Sequence[float] | None = None,
    signal_measure: str = "ebgm",
    subgroup: dict | None = None,
    interactions: bool = False,
    enqueue: bool = True,
) -> SignalRun:
    """Validate and record a run, then (after commit) hand it to the Celery task."""
    if source not in Source.values:
        raise DomainError(f"Unknown source {source!r}.", code="invalid")
    if drug_level not in DrugLevel.values or event_level not in EventLevel.values:
        raise DomainError("Unknown drug or event level.", code="invalid")
    meddra_grouping(event_level)  # a MedDRA level needs a release: refused now, not at run time
    if interactions and event_level in MEDDRA_LEVELS:
        raise DomainError("Interaction screening runs at PT, HLT or SOC.", code="invalid")
    if source == Source.FAERS and drug_level == DrugLevel.PRODUCT:
        raise DomainError(
            "FAERS background runs are by ingredient only (FAERS names no pv product).",
            code="invalid",
        )
    if period_to and not QUARTER.match(period_to):
        raise DomainError('period_to must look like "2017Q2".', code="invalid")
    if set(strata) - set(STRATA):
        raise DomainError(f"Strata must be among {', '.join(STRATA)}.", code="invalid")
    limits = thresholds_from(thresholds)
    if signal_measure not in MEASURES:
        raise DomainError(
            f"signal_measure must be one of {', '.join(MEASURES)}.",
            code="invalid",
            extra={"fields": {"signal_measure": [f"unknown measure {signal_measure!r}"]}},
        )
    subgroup = subgroup_clean(subgroup)
    if hyper is not None:
        try:
            hyper = list(Hyperparameters.from_sequence(hyper).as_tuple())
        except (TypeError, ValueError) as exc:
            raise DomainError(f"Bad hyperparameters: {exc}.", code="invalid") from None
    datasets: list[ExternalDataset] = []
    if source == Source.FAERS:
        qs = ExternalDataset.objects.all()
        datasets = list(qs.filter(id__in=list(dataset_ids)) if dataset_ids else qs)
        if not datasets or (dataset_ids and len(datasets) != len(set(map(str, dataset_ids)))):
            raise DomainError("No such FAERS dataset (import one first).", code="no_dataset")
    elif dataset_ids:
        raise DomainError("Datasets apply to FAERS runs only.", code="invalid")
    with transaction.atomic():
        run = SignalRun.objects.create(
            source=source,
            drug_level=drug_level,
            event_level=event_level,
            period_to=period_to,
            trend=trend,
            strata=list(strata),
            yates=yates,
            thresholds=dataclasses.asdict(limits),
            hyper_given=hyper,
            signal_measure=signal_measure,
            subgroup=subgroup,
            interactions=bool(interactions),
            trigger=trigger,
            requested_by=requested_by,
        )
        if datasets:
            run.datasets.set(datasets)
        audit_record(
            actor=requested_by or "system",
            action="signal_run.requested",
            obj=run,
            after={
                "source": source,
                "drug_level": drug_level,
                "event_level": event_level,
                "trigger": trigger,
                "thresholds": run.thresholds,
            },
        )
        if enqueue:
            from signals.tasks import signal_run_execute_task  # tasks import this module

            run_id = str(run.id)
            task_enqueue_on_commit(signal_run_execute_task, run_id)
    return run


def signal_run_execute(*, run_id) -> SignalRun | None:
    """Run a queued run once: the conditional update claims it, so a second worker (or a
    redelivered task) finds nothing to do. Transient database errors put it back in the queue
    and re-raise for Celery's retry; anything else marks the run failed with its message."""
    now = timezone.now()
    claimed = SignalRun.objects.filter(id=run_id, status=SignalRun.Status.QUEUED).update(
        status=SignalRun.Status.RUNNING, started_at=now, updated_at=now
    )
    if claimed != 1:
        return None
    run = SignalRun.objects.get(id=run_id)
    try:
        _execute(run)
        if run.trigger in settings.PV_SIGNALS_AUTOPUBLISH_TRIGGERS:
            # Routine runs (nightly, demo) are what sponsors see; on-demand runs stay private
            # until staff publish them.
            signal_run_publish(run=run, actor="system")
    except OperationalError:
        SignalFact.objects.filter(run=run).delete()
        SignalRun.objects.filter(id=run.id).update(status=SignalRun.Status.QUEUED)
        raise
    except (DomainError, ArithmeticError, ValueError, KeyError) as exc:
        message = exc.message if isinstance(exc, DomainError) else f"{type(exc).__name__}: {exc}"
        logger.warning("signal run %s failed: %s", run.id, message)
        SignalFact.objects.filter(run=run).delete()
        SignalRun.objects.filter(id=run.id).update(
            status=SignalRun.Status.FAILED, error=message[:4000], finished_at=timezone.now()
        )
    run.refresh_from_db()
    return run


def _facts(run: SignalRun):
    if run.source == Source.FAERS:
        facts = SignalFact.objects.filter(dataset__in=run.datasets.all())
    else:
        facts = SignalFact.objects.filter(run=run)
    group = run.subgroup or {}
    # A subgroup run restricts the analysed reports themselves (N, the margins and E alike).
    if "sex" in group:
        facts = facts.filter(sex=group["sex"])
    if "age_group" in group:
        facts = facts.filter(age_group=group["age_group"])
    if "year" in group:
        facts = facts.filter(period__startswith=group["year"])
    if "country" in group:
        facts = facts.filter(country=group["country"])
    return facts


def _execute(run: SignalRun) -> None:
    clock: dict[str, float] = {}
    start = time.perf_counter()
    if run.source == Source.CASES:
        facts_from_cases(run=run)
    elif run.source == Source.SOCIAL:
        facts_from_mentions(run=run)
    clock["facts"] = time.perf_counter() - start
    facts = _facts(run)
    drug_col, event_col = DRUG_COLUMNS[run.drug_level], EVENT_COLUMNS.get(run.event_level, "")
    grouping = meddra_grouping(run.event_level)
    periods = sorted(p for p in facts.order_by().values_list("period", flat=True).distinct() if p)
    if run.period_to:
        periods = [p for p in periods if p <= run.period_to]
    if not periods:
        raise DomainError("No data to analyse for this source and period.", code="no_data")
    computed = periods if run.trend else periods[-1:]
    tables, fits = [], {}
    clock["count"] = clock["score"] = 0.0
    for period in computed:
        tick = time.perf_counter()
        counts = count_at_level(
            facts.filter(period__lte=period),
            drug_col=drug_col,
            event_col=event_col,
            grouping=grouping,
            strata=run.strata,
        )
        clock["count"] += time.perf_counter() - tick
        if counts.empty:
            continue
        tick = time.perf_counter()
        table, fits[period] = score_period(counts, run)
        clock["score"] += time.perf_counter() - tick
        tables.append(table.assign(period=period))
    if not tables:
        raise DomainError("No drug-event pairs at this level.", code="no_data")
    trend = pd.concat(tables, ignore_index=True)
    limits = Thresholds(**run.thresholds)
    flags = flag_signals(trend, limits)
    latest = computed[-1] if computed[-1] in fits else max(fits)
    tick = time.perf_counter()
    labels = _drug_labels(run, trend["drug"].unique())
    socs = event_socs(facts, event_col=event_col, grouping=grouping)
    step = time.perf_counter()
    priorities = priority_for_run(
        run=run, facts=facts.filter(period__lte=latest), table=trend[trend["period"] == latest],
        drug_col=drug_col, event_col=event_col, latest=latest, grouping=grouping,
    )  # fmt: skip
    clock["priority"] = time.perf_counter() - step
    with transaction.atomic():
        stored = _store_results(run, trend, flags, labels, socs, latest, priorities)
        # A subgroup run is an analysis of part of the data: its figures are stored and shown,
        # but signal records stay with runs over the whole source.
        new = 0 if run.subgroup else _raise_signals(run, trend, limits, labels, socs)
        reopened = signals_reopen_on_new_data(run=run)
        screened = facts.filter(period__lte=latest)
        interaction_summary = (
            interactions_store(run=run, facts=screened, drug_col=drug_col, event_col=event_col,
                               period=latest, labels=labels) if run.interactions else {}
        )  # fmt: skip
        SignalFact.objects.filter(run=run).delete()
        clock["store"] = time.perf_counter() - tick
        latest_fit = fits[latest]
        n_reports = int(trend.loc[trend["period"] == latest, "n_total"].iloc[0])
        SignalRun.objects.filter(id=run.id).update(
            status=SignalRun.Status.SUCCEEDED,
            fit_warnings=[
                {
                    "period": p,
                    "reasons": f["fallback_reasons"],
                    "explain": "; ".join(REASONS[r] for r in f["fallback_reasons"]),
                    "action": "fallback prior",
                }
                for p, f in fits.items()
                if f.get("fallback")
            ],
            periods=list(computed),
            latest_period=latest,
            hyperparameters=fits,
            neg_log_lik=latest_fit["neg_log_lik"],
            finished_at=timezone.now(),
            timings={k: round(v, 4) for k, v in clock.items()},
            n_reports=n_reports,
            n_pairs=int((trend["period"] == latest).sum()),
            n_results=stored,
            n_new_signals=new,
            interaction_summary=interaction_summary,
            error="",
        )
        audit_record(
            actor=run.requested_by or "system",
            action="signal_run.succeeded",
            obj=run,
            after={
                "periods": list(computed),
                "pairs": stored,
                "new_signals": new,
                "reopened_signals": reopened,
                "hyperparameters": latest_fit,
            },
        )


def _drug_labels(run: SignalRun, keys) -> dict[str, str]:
    if run.drug_level == DrugLevel.PRODUCT:
        return {
            str(pid): name
            for pid, name in Product.objects.filter(id__in=list(keys)).values_list("id", "name")
        }
    return {k: k for k in keys}


def _clean(value) -> float | None:
    value = float(value)
    return None if math.isnan(value) else value


def _store_results(run, trend, flags, labels, socs, latest, priorities) -> int:
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


def _raise_signals(run, trend, limits, labels, socs) -> int:
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
