"""The Celery app: `celery -A pv worker` / `celery -A pv beat`."""

from __future__ import annotations

import logging
import os

from celery import Celery
from celery.signals import worker_ready

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
