"""Follow-up tasks: ids in, reload, one service call; only a mail server hiccup retries.

Every service here claims its row, so a redelivered or duplicated task sends nothing twice.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

from followup.services import (
    EmailUnavailable,
    followup_housekeeping,
    followup_message_remind,
    followup_message_send,
)
from pv.core.outbox import retry_countdown, task_enqueue

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, max_retries=None)
def followup_message_send_task(self, message_id: str) -> None:
    try:
        followup_message_send(message_id=message_id)
    except EmailUnavailable as exc:
        if self.request.retries >= settings.PV_TASK_MAX_RETRIES:
            # Left queued: the beat task's sweep tries again later; the failed attempts are
            # on the message for the reviewer.
            logger.warning("follow-up message %s: giving up after retries", message_id)
            return
        raise self.retry(exc=exc, countdown=retry_countdown(self.request.retries)) from exc


@shared_task(acks_late=True)
def followup_message_remind_task(message_id: str) -> None:
    followup_message_remind(message_id=message_id)


@shared_task(acks_late=True)
def followup_beat_task() -> dict:
    """Celery beat (every PV_OUTBOX_SWEEP_INTERVAL) and worker start-up: expiry, the outbox
    sweep of unsent messages, then one task per due reminder. Every send and reminder claims its
    row, so running this often sends nothing twice."""
    result = followup_housekeeping()
    for message_id in result.pop("send"):
        task_enqueue(followup_message_send_task, message_id)
    for message_id in result["remind"]:
        task_enqueue(followup_message_remind_task, message_id)
    return {**result, "remind": len(result["remind"])}
