"""The Celery beat entry for follow-up, for `CELERY_BEAT_SCHEDULE` (pv/settings/base.py)."""

from __future__ import annotations


def beat_schedule(every_seconds: float = 3600.0) -> dict:
    # Hourly is plenty: reminders are days apart, and each run only picks what is due.
    return {
        "followup-reminders-and-expiry": {
            "task": "followup.tasks.followup_beat_task",
            "schedule": every_seconds,
        }
    }
