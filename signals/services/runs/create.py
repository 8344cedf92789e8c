"""Creating a signal run: validate the options, record and audit it, enqueue it on commit."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from django.db import transaction

from pv.audit import audit_record
from pv.core.exceptions import DomainError
from pv.core.outbox import task_enqueue_on_commit
from pv.models import User
from signals.models import DrugLevel, EventLevel, ExternalDataset, SignalRun, Source
from signals.services.counting import STRATA
from signals.services.grouping import MEDDRA_LEVELS, meddra_grouping
from signals.services.run_options import QUARTER, subgroup_clean, thresholds_from
from signals.stats import Hyperparameters
from signals.trends import MEASURES


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
