"""Publishing a run: what sponsors see is a run staff chose, never the latest exploratory one.

One run per source and levels is published at a time. Publishing another replaces it (the
earlier one goes back to private); both moves are audited. Sponsors' results, trends, exports,
dashboard and signal records come from published runs only.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from pv.audit import audit_record
from pv.core.exceptions import DomainError
from signals.models import SignalRun


@transaction.atomic
def signal_run_publish(*, run: SignalRun, actor) -> SignalRun:
    run = SignalRun.objects.select_for_update().get(id=run.id)
    if run.status != SignalRun.Status.SUCCEEDED:
        raise DomainError(
            "Only a run that succeeded can be published.",
            code="not_publishable",
            extra={"status": run.status},
        )
    if run.subgroup:
        raise DomainError(
            "A subgroup run covers part of the data; publish a run over the whole source.",
            code="not_publishable",
            extra={"subgroup": run.subgroup},
        )
    if run.is_published:
        return run
    previous = list(
        SignalRun.objects.select_for_update().filter(
            source=run.source,
            drug_level=run.drug_level,
            event_level=run.event_level,
            is_published=True,
        )
    )
    SignalRun.objects.filter(id__in=[p.id for p in previous]).update(is_published=False)
    now = timezone.now()
    SignalRun.objects.filter(id=run.id).update(
        is_published=True,
        published_at=now,
        published_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action="signal_run.published",
        obj=run,
        before={"published_run": str(previous[0].id) if previous else None},
        after={"published_run": str(run.id), "latest_period": run.latest_period},
    )
    run.refresh_from_db()
    return run


@transaction.atomic
def signal_run_unpublish(*, run: SignalRun, actor) -> SignalRun:
    if SignalRun.objects.filter(id=run.id, is_published=True).update(is_published=False):
        audit_record(actor=actor, action="signal_run.unpublished", obj=run)
    run.refresh_from_db()
    return run
