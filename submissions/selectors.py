"""Reads over submissions, scoped: a partner sees only its own traffic."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import QuerySet

from pv.core.exceptions import NotFound
from pv.models import User
from submissions.models import RoutingRule, Submission

# A partner can see a submission (and its case version) once it is available to it.
AVAILABLE = (
    Submission.Status.VALIDATED,
    Submission.Status.SENDING,
    Submission.Status.SENT,
    Submission.Status.ACKNOWLEDGED,
)
NOT_YET_SENT = (
    Submission.Status.QUEUED,
    Submission.Status.VALIDATED,
    Submission.Status.SENDING,
    Submission.Status.FAILED,
)


def case_ids_received_by(*, partner_id) -> QuerySet:
    return Submission.objects.filter(recipient_id=partner_id, status__in=AVAILABLE).values(
        "case_id"
    )


def submission_list_visible_to(*, user: User) -> QuerySet[Submission]:
    qs = Submission.objects.select_related("case", "recipient")
    if user.role in (User.Role.REVIEWER, User.Role.ADMIN):
        return qs
    if user.is_partner:
        return qs.filter(recipient_id=user.partner_id, status__in=AVAILABLE)
    return qs.none()


def submission_get_visible(*, user: User, submission_id) -> Submission:
    submission = submission_list_visible_to(user=user).filter(id=submission_id).first()
    if submission is None:
        raise NotFound("Submission not found.")
    return submission


def submission_list_pending_pull(*, partner_id) -> QuerySet[Submission]:
    """What a pull partner has not downloaded yet."""
    return Submission.objects.filter(
        recipient_id=partner_id, status=Submission.Status.VALIDATED, recipient__endpoint_url=""
    ).select_related("case")


def submission_list_due(*, as_of: date, within_days: int = 3) -> QuerySet[Submission]:
    """Not yet sent and due within `within_days` of `as_of` (overdue ones included)."""
    return (
        Submission.objects.filter(
            status__in=NOT_YET_SENT, due_date__lte=as_of + timedelta(days=within_days)
        )
        .select_related("case", "recipient")
        .order_by("due_date")
    )


def submission_list_overdue(*, as_of: date) -> QuerySet[Submission]:
    return submission_list_due(as_of=as_of, within_days=0).filter(due_date__lt=as_of)


def routing_rules_active() -> QuerySet[RoutingRule]:
    return RoutingRule.objects.filter(active=True).select_related("recipient").order_by("position")
