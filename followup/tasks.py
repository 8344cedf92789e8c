"""Follow-up tasks: ids in, reload, one service call; only a mail server hiccup retries.

Every service here claims its row, so a redelivered or duplicated task sends nothing twice.
"""

from __future__ import annotations

import logging

from celery import shared_task

from followup.services import (
    EmailUnavailable,
    followup_housekeeping,
    followup_message_remind,
    followup_message_send,
)

logger = logging.getLogger(__name__)
MAX_SEND_RETRIES = 6


@shared_task(bind=True, acks_late=True, max_retries=MAX_SEND_RETRIES)
def followup_message_send_task(self, message_id: str) -> None:
    try:
        followup_message_send(message_id=message_id)
    except EmailUnavailable as exc:
        if self.request.retries >= MAX_SEND_RETRIES:
            # Left queued: the beat task's sweep tries again later; the failed attempts are
            # on the message for the reviewer.
            logger.warning("follow-up message %s: giving up after retries", message_id)
            return
        raise self.retry(exc=exc, countdown=min(60 * 2**self.request.retries, 3600)) from exc


@shared_task(acks_late=True)
def followup_message_remind_task(message_id: str) -> None:
    followup_message_remind(message_id=message_id)


@shared_task(acks_late=True)
def followup_beat_task() -> dict:
    """Celery beat (hourly by default): expiry and sweeps, then one task per due reminder."""
    result = followup_housekeeping()
    for message_id in result.pop("send"):
        followup_message_send_task.delay(message_id)
    for message_id in result["remind"]:
        followup_message_remind_task.delay(message_id)
    return {**result, "remind": len(result["remind"])}
