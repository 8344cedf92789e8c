"""Follow-up settings with their defaults, read in one place.

Each can be set in Django settings (see docs/followup.md); the defaults follow the issue:
reminders on day 7 and day 14 after the first message, at most three attempts (the message and
two reminders), and expiry two weeks after the last reminder.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

DEFAULT_REMINDER_DAYS = (7, 14)
DEFAULT_MAX_ATTEMPTS = 3
DEFAULT_EXPIRE_DAYS = 28


def reminder_days() -> tuple[int, ...]:
    days = getattr(settings, "PV_FOLLOWUP_REMINDER_DAYS", DEFAULT_REMINDER_DAYS)
    return tuple(sorted(int(d) for d in days if int(d) > 0))


def max_attempts() -> int:
    return max(1, int(getattr(settings, "PV_FOLLOWUP_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS)))


def expire_after() -> timedelta:
    """From the first message to expiry; never before the last reminder has had a day."""
    days = int(getattr(settings, "PV_FOLLOWUP_EXPIRE_DAYS", DEFAULT_EXPIRE_DAYS))
    reminders = reminder_days()[: max_attempts() - 1]
    return timedelta(days=max([days, *(d + 1 for d in reminders)]))


def reminder_offset(attempt: int) -> timedelta | None:
    """When attempt number `attempt` (2 = first reminder) is due, counted from the first
    message; None when there is no such attempt."""
    days = reminder_days()
    if attempt < 2 or attempt > max_attempts() or attempt - 2 >= len(days):
        return None
    return timedelta(days=days[attempt - 2])
