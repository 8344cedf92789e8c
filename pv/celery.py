"""The Celery app: `celery -A pv worker` / `celery -A pv beat`."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pv.settings.local")

app = Celery("pv")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
