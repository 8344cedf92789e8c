"""Submission tasks: ids in, reload, one service call; only transient errors retry."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from pv.core.outbox import retry_countdown, task_retry_later
from pv.models import Case
from submissions.models import Submission
from submissions.services import (
    submission_mark_failed,
    submission_prepare,
    submission_route_case,
    submission_send,
    submission_sweep,
)
from submissions.transport import GatewayUnavailable

logger = logging.getLogger(__name__)
DB_ERRORS = (OperationalError, InterfaceError)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True)
def case_route_task(self, case_id: str) -> int:
    try:
        case = Case.objects.filter(id=case_id).first()
        if case is None:
            logger.warning("case %s vanished before routing", case_id)
            return 0
        return len(submission_route_case(case=case))
    except DB_ERRORS as exc:
        task_retry_later(self, exc)  # not routed yet: the sweeper takes it if retries run out
        raise


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True)
def submission_prepare_task(self, submission_id: str) -> None:
    try:
        submission = (
            Submission.objects.select_related("case", "recipient").filter(id=submission_id).first()
        )
        if submission is None:
            logger.warning("submission %s vanished before prepare", submission_id)
            return
        submission_prepare(submission=submission)
    except DB_ERRORS as exc:
        task_retry_later(self, exc)  # still queued: the sweeper takes it if retries run out
        raise


# Not reject_on_worker_lost: a worker lost mid-POST leaves the row `sending`, and only the
# sweeper (after the grace period) decides to send it again; an immediate redelivery would find
# the claim taken and do nothing anyway.
@shared_task(bind=True, acks_late=True, reject_on_worker_lost=False, max_retries=None)
def submission_send_task(self, submission_id: str) -> None:
    try:
        submission = Submission.objects.select_related("recipient").filter(id=submission_id).first()
        if submission is None:
            logger.warning("submission %s vanished before send", submission_id)
            return
        submission_send(submission=submission)
    except DB_ERRORS as exc:
        task_retry_later(self, exc)
        raise
    except GatewayUnavailable as exc:
        if self.request.retries >= settings.PV_TASK_MAX_RETRIES:
            submission_mark_failed(submission=submission, error=f"gave up after retries: {exc}")
            return
        # The same backoff as every task: minutes, so a gateway's restart does not use it up.
        raise self.retry(exc=exc, countdown=retry_countdown(self.request.retries)) from exc


@shared_task(acks_late=True)
def submission_sweep_task() -> dict[str, int]:
    return submission_sweep()
