"""The signals outbox sweeper: a queued run whose execute task was lost (broker down when it was
requested, a worker killed while holding its retry, retries used up) is published again.

Only `queued` runs: executing claims the run (queued -> running), so a copy does nothing.
Runs left `running` by a killed worker are not restarted here (a run may legitimately take
minutes); they show as running, and a new run can be requested.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from pv.core.outbox import outbox_grace, task_enqueue_on_commit
from signals.models import SignalRun

logger = logging.getLogger(__name__)


def signal_runs_sweep(*, now: datetime | None = None) -> int:
    from signals.tasks import signal_run_execute_task  # noqa: PLC0415 (tasks import services)

    now = now or timezone.now()
    retry_wait = timedelta(seconds=settings.PV_TASK_RETRY_MAX_SECONDS)
    with transaction.atomic():
        ids = list(
            SignalRun.objects.select_for_update(skip_locked=True)
            .filter(
                status=SignalRun.Status.QUEUED, updated_at__lt=now - outbox_grace() - retry_wait
            )
            .values_list("id", flat=True)
        )
        SignalRun.objects.filter(id__in=ids).update(updated_at=now)
        for run_id in ids:
            task_enqueue_on_commit(signal_run_execute_task, str(run_id))
    if ids:
        logger.warning("signal run sweep republished %d queued run(s)", len(ids))
    return len(ids)
