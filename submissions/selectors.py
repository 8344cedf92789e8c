"""Reads over submissions, scoped: a partner sees only its own traffic."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet

from pv.core.exceptions import NotFound
from pv.models import User
from submissions.models import AckRefusal, RoutingRule, Submission

# A partner can see a submission (and its case version) once it is available to it.
AVAILABLE = (
    Submission.Status.VALIDATED,
    Submission.Status.SENDING,
    Submission.Status.SENT,
    Submission.Status.ACKNOWLEDGED,
)
# Held submissions are on their clock like any unsent one (never visible to the partner).
NOT_YET_SENT = (
    Submission.Status.HELD,
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


_ACCEPTED = (Submission.AckResult.ACCEPTED, Submission.AckResult.ACCEPTED_WITH_ERRORS)


def _corrected_later() -> Exists:
    """A later version of the same case reached the same recipient and was accepted."""
    return Exists(
        Submission.objects.filter(
            recipient_id=OuterRef("recipient_id"),
            case__worldwide_case_id=OuterRef("case__worldwide_case_id"),
            case__version__gt=OuterRef("case__version"),
            status=Submission.Status.ACKNOWLEDGED,
            ack_result__in=_ACCEPTED,
        )
    )


def submission_list_rejected_open() -> QuerySet[Submission]:
    """Rejected by the receiver and not yet corrected ("rejected — correct and resend"): stays
    here until a later version of the case is accepted by the same recipient."""
    return (
        Submission.objects.filter(
            status=Submission.Status.ACKNOWLEDGED, ack_result=Submission.AckResult.REJECTED
        )
        .annotate(corrected=_corrected_later())
        .filter(corrected=False)
        .select_related("case", "recipient")
        .order_by("due_date", "created_at")
    )


def submission_list_due(*, as_of: date, within_days: int = 3) -> QuerySet[Submission]:
    """Not yet sent, or rejected and not yet corrected, and due within `within_days` of `as_of`
    (overdue ones included). A rejected submission was never a valid report: its clock runs on."""
    rejected_open = Q(
        status=Submission.Status.ACKNOWLEDGED,
        ack_result=Submission.AckResult.REJECTED,
        corrected=False,
    )
    return (
        Submission.objects.annotate(corrected=_corrected_later())
        .filter(
            Q(status__in=NOT_YET_SENT) | rejected_open,
            due_date__lte=as_of + timedelta(days=within_days),
        )
        .select_related("case", "recipient")
        .order_by("due_date")
    )


def submission_list_overdue(*, as_of: date) -> QuerySet[Submission]:
    return submission_list_due(as_of=as_of, within_days=0).filter(due_date__lt=as_of)


def submission_list_held() -> QuerySet[Submission]:
    """Held until a reviewer codes their case's reactions (staff only), soonest due first."""
    return (
        Submission.objects.filter(status=Submission.Status.HELD)
        .select_related("case", "recipient")
        .order_by("due_date", "created_at")
    )


def routing_rules_active() -> QuerySet[RoutingRule]:
    return RoutingRule.objects.filter(active=True).select_related("recipient").order_by("position")


def ack_refusal_list() -> QuerySet[AckRefusal]:
    return AckRefusal.objects.select_related("partner").order_by("-created_at")
