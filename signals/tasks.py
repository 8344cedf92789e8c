"""Signals tasks: ids in, reload, one service call, safe to run twice."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from pv.core.outbox import task_retry_later
from signals.models import SignalRun, Source
from signals.services import signal_run_create, signal_run_execute
from signals.services.sweep import signal_runs_sweep

logger = logging.getLogger(__name__)

# What the nightly beat entry computes over pv's own data (FAERS background runs follow an
# import instead: `pv signals import-faers --run`).
NIGHTLY_RUNS = (
    (Source.CASES, "ingredient", "pt"),
    (Source.CASES, "product", "pt"),
    (Source.SOCIAL, "ingredient", "pt"),
)


@shared_task(bind=True, acks_late=True)
def signal_run_execute_task(self, run_id: str) -> str | None:
    # The service claims the queued run with a conditional update: a redelivery is a no-op.
    try:
        run = signal_run_execute(run_id=run_id)
    except (OperationalError, InterfaceError) as exc:
        # Database away: minutes of backoff; past the last retry the run stays queued and the
        # sweeper publishes it again.
        task_retry_later(self, exc)
        raise
    if run is None:
        logger.info("signal run %s already taken or gone", run_id)
        return None
    return run.status


@shared_task(acks_late=True)
def signals_nightly_task() -> list[str]:
    """Queue the nightly runs (each executes in its own task after commit)."""
    ids = []
    # Safe to run twice: a combination already queued or run in the last 12 hours is skipped.
    recent = SignalRun.objects.filter(
        trigger=SignalRun.Trigger.NIGHTLY, created_at__gte=timezone.now() - timedelta(hours=12)
    ).exclude(status=SignalRun.Status.FAILED)
    for source, drug_level, event_level in NIGHTLY_RUNS:
        if recent.filter(source=source, drug_level=drug_level, event_level=event_level).exists():
            continue
        run = signal_run_create(
            source=source,
            drug_level=drug_level,
            event_level=event_level,
            trigger=SignalRun.Trigger.NIGHTLY,
        )
        ids.append(str(run.id))
    return ids


@shared_task(acks_late=True)
def signal_run_sweep_task() -> int:
    return signal_runs_sweep()
