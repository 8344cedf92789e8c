"""Regulatory clocks, computed here and nowhere else.

Day 0 is when all four minimum criteria were first known (for a member's post or report: when
the member wrote it, `pv.core.awareness.aware_at`); follow-up information restarts the
clock on the day it arrived (C.1.5). Serious cases are due in 15 calendar days; non-serious in
90 (EU). The day counts come from the routing rule, so a recipient's agreement can differ.
"""

from __future__ import annotations

from datetime import date, timedelta

SERIOUS_DAYS = 15
NON_SERIOUS_DAYS = 90  # EU profile; a routing rule may say otherwise for its recipient


def clock_start(*, version: int, day_zero: date, latest_info: date) -> date:
    return day_zero if version == 1 else max(day_zero, latest_info)


def due_date(*, start: date, serious: bool, serious_days: int, non_serious_days: int) -> date:
    return start + timedelta(days=serious_days if serious else non_serious_days)
