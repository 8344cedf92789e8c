"""The outbox's two halves: hand work to the broker without letting the broker fail a request,
and the retry delays every task shares.

Work that needs a background task is committed as state with the data (a post `received`, a
submission `queued`, a follow-up message `queued`). Publishing the task after commit is only the
fast path: if the broker is down the failure is logged and the sweepers (beat, and every worker
at start-up) find the state a grace period later and publish again. Every task is idempotent, so
a task published twice does its work once.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)


def task_enqueue(task, *args, **options) -> bool:
    """Publish `task(*args)`; True when the broker took it. A broker failure is logged, never
    raised: the state is already committed and a sweeper will publish it again."""
    if _in_process(task):
        # Eager (demo, unit tests): no broker to lose, and the task's own errors must show.
        task.apply_async(args=args, **options)
        return True
    try:
        task.apply_async(args=args, **options)
    except Exception:  # any broker or connection error: the sweepers are the safety net
        logger.warning(
            "could not publish %s%r; the outbox sweeper will retry it",
            task.name,
            args,
            exc_info=True,
        )
        return False
    return True


def _in_process(task) -> bool:
    return bool(task.app.conf.task_always_eager)


def task_enqueue_on_commit(task, *args, **options) -> None:
    """`task_enqueue` once the current transaction commits (immediately outside one)."""
    transaction.on_commit(lambda: task_enqueue(task, *args, **options))


def outbox_grace() -> timedelta:
    """How long committed work may wait for its task before a sweeper publishes it again."""
    return timedelta(seconds=settings.PV_OUTBOX_GRACE_SECONDS)


def retry_countdown(retries: int) -> float:
    """Seconds before retry number `retries + 1`: doubling from the base, capped, so a run of
    retries spans minutes (a database restart), not seconds."""
    base = settings.PV_TASK_RETRY_BASE_SECONDS
    return float(min(settings.PV_TASK_RETRY_MAX_SECONDS, base * 2 ** min(retries, 30)))


def task_retry_later(task, exc: Exception):
    """Raise the task's retry with the shared backoff, or re-raise `exc` when retries are used
    up (the work stays marked in the database, so a sweeper picks it up later)."""
    if task.request.retries >= settings.PV_TASK_MAX_RETRIES:
        logger.warning("%s: retries used up (%s); left for the outbox sweeper", task.name, exc)
        raise exc
    raise task.retry(exc=exc, countdown=retry_countdown(task.request.retries))
