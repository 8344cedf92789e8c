"""Reads behind the reviewer's worklists: case search, submissions due / failed / rejected, and
follow-up answers awaiting merge. Reads only; every query is bounded (paginated or capped)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from followup.models import FollowupMessage
from followup.selectors import followup_message_list_for_staff
from pv.models import Case, CaseDrug, CaseReaction
from submissions.models import Submission
from submissions.selectors import (
    submission_list_due,
    submission_list_held,
    submission_list_rejected_open,
)

DUE_SOON_DAYS = 3  # amber from here; red once overdue


@dataclass(frozen=True)
class CaseSearch:
    q: str = ""  # case id, worldwide case id, sender's report id or member pseudonym
    drug: str = ""
    event: str = ""
    status: str = ""
    received_from: date | None = None
    received_to: date | None = None


def case_search(*, search: CaseSearch) -> QuerySet[Case]:
    """Latest versions matching every given filter, newest first, with drugs and reactions."""
    qs = Case.objects.filter(is_latest=True).select_related("member")
    q = search.q.strip()
    if q:
        match = (
            Q(worldwide_case_id__icontains=q)
            | Q(sender_report_id__icontains=q)
            | Q(member__public_id__iexact=q)
        )
        if len(q) == 36 and q.count("-") == 4:
            match |= Q(id=q)
        qs = qs.filter(match)
    if search.drug.strip():
        qs = qs.filter(drugs__name_reported__icontains=search.drug.strip())
    if search.event.strip():
        term = search.event.strip()
        qs = qs.filter(
            Q(reactions__reported_term__icontains=term)
            | Q(reactions__term__icontains=term)
            | Q(reactions__pt__icontains=term)
        )
    if search.status:
        qs = qs.filter(status=search.status)
    if search.received_from:
        qs = qs.filter(received_at__gte=_start(search.received_from))
    if search.received_to:
        qs = qs.filter(received_at__lt=_start(search.received_to) + timedelta(days=1))
    return (
        qs.distinct()
        .order_by("-received_at", "-created_at")
        .prefetch_related(
            Prefetch("drugs", queryset=CaseDrug.objects.order_by("position")),
            Prefetch("reactions", queryset=CaseReaction.objects.order_by("position")),
        )
    )


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


@dataclass(frozen=True)
class Clock:
    days_left: int
    state: str  # "overdue" | "due-soon" | "ok"


def clock_of(due: date, *, today: date) -> Clock:
    left = (due - today).days
    if left < 0:
        return Clock(left, "overdue")
    return Clock(left, "due-soon" if left <= DUE_SOON_DAYS else "ok")


def submission_worklists(*, today: date, within_days: int = 14, cap: int = 200) -> dict:
    """Rejected and not corrected, held for coding, failed validation or sending, and due
    within `within_days` (overdue included), each capped at `cap` rows, soonest due first."""
    rejected = list(submission_list_rejected_open()[:cap])
    held = list(submission_list_held()[:cap])
    failed = list(
        Submission.objects.filter(status=Submission.Status.FAILED)
        .select_related("case", "recipient")
        .order_by("due_date", "created_at")[:cap]
    )
    due = list(
        submission_list_due(as_of=today, within_days=within_days)
        .exclude(status__in=(Submission.Status.FAILED, Submission.Status.HELD))
        .exclude(ack_result=Submission.AckResult.REJECTED)[:cap]
    )
    for row in (*rejected, *held, *failed, *due):
        row.clock = clock_of(row.due_date, today=today)
    return {"rejected": rejected, "held": held, "failed": failed, "due": due}


def followup_awaiting_merge(*, cap: int = 200) -> list[FollowupMessage]:
    """Answered follow-up messages whose answers a reviewer has not merged or set aside yet."""
    return list(
        followup_message_list_for_staff()
        .filter(review_status=FollowupMessage.Review.PENDING)
        .order_by("responded_at")[:cap]
    )
