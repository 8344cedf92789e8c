"""Intake tasks: ids in, reload, one service call, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from intake.services import intake_items_mark_awaiting_screening


@shared_task(acks_late=True)
def intake_items_received_task(kind: str, ids: list[str]) -> int:
    # The screening issue chains the screening pipeline after this state change.
    return intake_items_mark_awaiting_screening(kind=kind, ids=ids)
