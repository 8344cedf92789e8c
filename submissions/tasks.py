"""Submission tasks: ids in, reload, one service call; only transient errors retry."""

from __future__ import annotations

import logging

from celery import shared_task

from pv.models import Case
from submissions.models import Submission
from submissions.services import (
    submission_mark_failed,
    submission_prepare,
    submission_requeue_stuck,
    submission_route_case,
    submission_send,
)
from submissions.transport import GatewayUnavailable

logger = logging.getLogger(__name__)
MAX_SEND_RETRIES = 8


@shared_task(acks_late=True)
def case_route_task(case_id: str) -> int:
    case = Case.objects.filter(id=case_id).first()
    if case is None:
        logger.warning("case %s vanished before routing", case_id)
        return 0
    return len(submission_route_case(case=case))


@shared_task(acks_late=True)
def submission_prepare_task(submission_id: str) -> None:
    submission = (
        Submission.objects.select_related("case", "recipient").filter(id=submission_id).first()
    )
    if submission is None:
        logger.warning("submission %s vanished before prepare", submission_id)
        return
    submission_prepare(submission=submission)


@shared_task(bind=True, acks_late=True, max_retries=MAX_SEND_RETRIES)
def submission_send_task(self, submission_id: str) -> None:
    submission = Submission.objects.select_related("recipient").filter(id=submission_id).first()
    if submission is None:
        logger.warning("submission %s vanished before send", submission_id)
        return
    try:
        submission_send(submission=submission)
    except GatewayUnavailable as exc:
        if self.request.retries >= MAX_SEND_RETRIES:
            submission_mark_failed(submission=submission, error=f"gave up after retries: {exc}")
            return
        # Exponential backoff: 30 s, 60 s, 2 min ... capped at 1 h.
        raise self.retry(exc=exc, countdown=min(30 * 2**self.request.retries, 3600)) from exc


@shared_task(acks_late=True)
def submission_sweep_task() -> int:
    return submission_requeue_stuck()
