"""Intake tasks: ids in, reload, one service call, safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from intake.services import intake_items_mark_awaiting_screening
from intake.services.screening import items_screen


@shared_task(acks_late=True)
def intake_items_received_task(kind: str, ids: list[str]) -> int:
    marked = intake_items_mark_awaiting_screening(kind=kind, ids=ids)
    # Screening is its own task so a worker crash mid-pipeline retries only the screening.
    intake_items_screen_task.delay(kind, ids)
    return marked


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def intake_items_screen_task(kind: str, ids: list[str]) -> dict:
    # Items already screened by this pipeline version are skipped, so a redelivery is harmless.
    return items_screen(kind=kind, ids=ids).as_dict()
