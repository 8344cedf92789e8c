"""Executing a signal run: claim it once, count and score every quarter, prioritise the latest,
then store results and signal records in one transaction."""

from __future__ import annotations

import logging
import time

import pandas as pd
from django.conf import settings
from django.db import OperationalError, transaction
from django.utils import timezone

from pv.audit import audit_record
from pv.core.exceptions import DomainError
from pv.models import Product
from signals.models import DrugLevel, SignalFact, SignalRun, Source
from signals.services.counting import DRUG_COLUMNS, EVENT_COLUMNS
from signals.services.facts import facts_from_cases, facts_from_mentions
from signals.services.grouping import count_at_level, event_socs, meddra_grouping
from signals.services.interactions import interactions_store
from signals.services.priority import priority_for_run
from signals.services.publishing import signal_run_publish
from signals.services.reopening import signals_reopen_on_new_data
from signals.services.runs.store import raise_signals, store_results
from signals.services.scoring import score_period
from signals.stats.quality import REASONS
from signals.trends import Thresholds, flag_signals

logger = logging.getLogger(__name__)


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
        stored = store_results(run, trend, flags, labels, socs, latest, priorities)
        # A subgroup run is an analysis of part of the data: its figures are stored and shown,
        # but signal records stay with runs over the whole source.
        new = 0 if run.subgroup else raise_signals(run, trend, limits, labels, socs)
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
