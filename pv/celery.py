"""The Celery app: `celery -A pv worker` / `celery -A pv beat`."""

from __future__ import annotations

import logging
import os

import structlog
from celery import Celery
from celery.signals import before_task_publish, task_postrun, task_prerun, worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pv.settings.local")

app = Celery("pv")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)


@worker_ready.connect
def outbox_sweep_on_start(sender=None, **kwargs) -> None:
    """A worker coming back (after a crash, a deploy, a broker outage) runs the outbox sweepers
    at once instead of waiting for beat: work lost with the previous worker is republished
    as soon as its grace period is over. Task names, so pv imports no app."""
    from django.conf import settings  # noqa: PLC0415 (configured by the time workers start)

    for name in settings.PV_OUTBOX_SWEEPERS:
        try:
            app.send_task(name)
        except Exception:  # the broker went away again: beat will sweep later
            logger.warning("could not publish the start-up sweep %s", name, exc_info=True)
# Structured logs: a task's log lines carry its id and name, and the id of the request that
# enqueued it (sent as a message header), so one request can be followed into the workers.
REQUEST_ID_HEADER = "pv_request_id"


@before_task_publish.connect
def _send_request_id(headers=None, **_kwargs) -> None:
    request_id = structlog.contextvars.get_contextvars().get("request_id")
    if request_id and headers is not None:
        headers.setdefault(REQUEST_ID_HEADER, request_id)


# Eager tasks (demo, unit tests) run inside the request: their context is saved by task id and
# restored when they finish, so the request's own later lines keep its request id.
_outer_context: dict[str, dict] = {}


@task_prerun.connect
def _bind_task_context(task_id=None, task=None, **_kwargs) -> None:
    request = getattr(task, "request", None)
    context = {"task_id": task_id, "task_name": getattr(task, "name", None)}
    request_id = getattr(request, REQUEST_ID_HEADER, None)
    if request_id:
        context["request_id"] = request_id
    if getattr(request, "is_eager", False) and task_id:
        _outer_context[task_id] = structlog.contextvars.get_contextvars()
    structlog.contextvars.bind_contextvars(**context)


@task_postrun.connect
def _clear_task_context(task_id=None, **_kwargs) -> None:
    saved = _outer_context.pop(task_id, None) if task_id else None
    structlog.contextvars.clear_contextvars()
    if saved:
        structlog.contextvars.bind_contextvars(**saved)
