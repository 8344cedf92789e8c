"""Intake tasks: ids in, reload, one service call, safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from intake.services import intake_items_mark_awaiting_screening
from intake.services.screening import items_screen


@shared_task(bind=True, acks_late=True)
def intake_items_received_task(self, kind: str, ids: list[str]) -> int:
    marked = intake_items_mark_awaiting_screening(kind=kind, ids=ids)
    # Screening is its own task so a worker crash mid-pipeline retries only the screening.
    # It goes to the queue this task came from, so a deployment's queue routing carries over.
    queue = (self.request.delivery_info or {}).get("routing_key") or None
    intake_items_screen_task.apply_async((kind, ids), queue=queue)
    return marked


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def intake_items_screen_task(kind: str, ids: list[str]) -> dict:
    # Items already screened by this pipeline version are skipped, so a redelivery is harmless.
    return items_screen(kind=kind, ids=ids).as_dict()
