"""The intake outbox sweeper: posts and reports still unscreened a grace period after they were
last handed to the broker are handed over again.

An item's `received` / `awaiting_screening` status is its "to screen" mark, committed with the
item. `updated_at` is when it was last handed to the broker: the sweeper moves it forward as it
republishes, so a long queue is not flooded with copies, and a batch whose task was lost (broker
down at commit, worker killed, retries used up) is found again within one grace period.
Screening skips items already screened by the current pipeline version, so a copy is harmless.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from intake.models import AEReport, Post, ScreeningStatus
from pv.core.outbox import outbox_grace, task_enqueue_on_commit

logger = logging.getLogger(__name__)

SWEEP_CHUNK = 500  # ids per republished screening task
SWEEP_LIMIT = 20_000  # items per sweep; the next sweep takes the rest


def intake_items_sweep(*, now: datetime | None = None, limit: int = SWEEP_LIMIT) -> dict[str, int]:
    """Republish screening for items left unscreened; returns how many per kind."""
    from intake.tasks import intake_items_screen_task  # noqa: PLC0415 (tasks import services)

    now = now or timezone.now()
    cutoff = now - outbox_grace()
    counts = {}
    for kind, model in (("post", Post), ("report", AEReport)):
        with transaction.atomic():
            # SKIP LOCKED: two sweepers at once (beat and a starting worker) split the rows.
            ids = list(
                model.objects.select_for_update(skip_locked=True)
                .filter(
                    screening_status__in=(ScreeningStatus.RECEIVED, ScreeningStatus.AWAITING),
                    updated_at__lt=cutoff,
                )
                .order_by("updated_at")
                .values_list("id", flat=True)[:limit]
            )
            model.objects.filter(id__in=ids).update(
                screening_status=ScreeningStatus.AWAITING, updated_at=now
            )
            ids = [str(i) for i in ids]
            for start in range(0, len(ids), SWEEP_CHUNK):
                task_enqueue_on_commit(
                    intake_items_screen_task, kind, ids[start : start + SWEEP_CHUNK]
                )
        counts[kind] = len(ids)
    if any(counts.values()):
        # Work that waited past its grace period: a lost publish, a killed worker, or a queue
        # slower than the grace (then raise PV_OUTBOX_GRACE_SECONDS).
        logger.warning("intake sweep republished screening for %s", counts)
    return counts
