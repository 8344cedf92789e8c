"""Intake tasks: ids in, reload, one service call, safe to run twice."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from intake.services import intake_items_mark_awaiting_screening
from intake.services.screening import items_screen
from intake.services.sweep import intake_items_sweep
from pv.core.outbox import task_enqueue, task_retry_later

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True)
def intake_items_received_task(self, kind: str, ids: list[str]) -> int:
    marked = intake_items_mark_awaiting_screening(kind=kind, ids=ids)
    # Screening is its own task so a worker crash mid-pipeline retries only the screening.
    # It goes to the queue this task came from, so a deployment's queue routing carries over.
    queue = (self.request.delivery_info or {}).get("routing_key") or None
    task_enqueue(intake_items_screen_task, kind, ids, queue=queue)
    return marked


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True)
def intake_items_screen_task(self, kind: str, ids: list[str]) -> dict:
    # Items already screened by this pipeline version are skipped, so a redelivery is harmless.
    try:
        return items_screen(kind=kind, ids=ids).as_dict()
    except (OperationalError, InterfaceError) as exc:
        # Database away: back off for minutes; past the last retry the items stay marked and
        # the sweeper republishes them.
        task_retry_later(self, exc)
        raise


@shared_task(acks_late=True)
def intake_sweep_task() -> dict[str, int]:
    return intake_items_sweep()
