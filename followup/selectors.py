"""Follow-up reads, scoped to the caller: anything not yours is "not found" (404), never
"forbidden", so partners and members cannot probe for ids."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from followup.models import FollowupAttempt, FollowupMessage, FollowupRequest
from intake.models import AEReport, Post
from pv.core.exceptions import NotFound
from pv.models import User

STAFF = (User.Role.REVIEWER, User.Role.ADMIN)


def followup_request_list_visible_to(*, user: User) -> QuerySet[FollowupRequest]:
    qs = FollowupRequest.objects.select_related("case", "partner", "member", "message")
    if user.role in STAFF:
        return qs
    if user.is_partner:
        return qs.filter(partner_id=user.partner_id)
    return qs.none()


def followup_request_get_visible(*, user: User, request_id) -> FollowupRequest:
    request = followup_request_list_visible_to(user=user).filter(id=request_id).first()
    if request is None:
        raise NotFound("Follow-up request not found.")
    return request


def followup_message_list_for_staff() -> QuerySet[FollowupMessage]:
    return FollowupMessage.objects.select_related("member", "case", "merged_case").prefetch_related(
        Prefetch("tries", queryset=FollowupAttempt.objects.order_by("created_at")),
        Prefetch("requests", queryset=FollowupRequest.objects.select_related("partner")),
    )


def followup_message_get_for_staff(*, message_id) -> FollowupMessage:
    message = followup_message_list_for_staff().filter(id=message_id).first()
    if message is None:
        raise NotFound("Follow-up message not found.")
    return message


# The member sees a message once it has been delivered; queued ones are still the platform's.
INBOX_STATUSES = (
    FollowupMessage.Status.SENT,
    FollowupMessage.Status.REMINDED,
    FollowupMessage.Status.ANSWERED,
    FollowupMessage.Status.DECLINED,
    FollowupMessage.Status.EXPIRED,
    FollowupMessage.Status.NOT_CONTACTABLE,
)


def followup_inbox_for(*, user: User) -> QuerySet[FollowupMessage]:
    member = getattr(user, "member", None) if user.role == User.Role.MEMBER else None
    if member is None:
        return FollowupMessage.objects.none()
    return (
        FollowupMessage.objects.filter(member=member, status__in=INBOX_STATUSES)
        .exclude(first_sent_at__isnull=True)
        .select_related("case")
        .prefetch_related(
            Prefetch("requests", queryset=FollowupRequest.objects.select_related("partner"))
        )
    )


def followup_inbox_get(*, user: User, message_id) -> FollowupMessage:
    message = followup_inbox_for(user=user).filter(id=message_id).first()
    if message is None:
        raise NotFound("Message not found.")
    return message


def followup_member_excerpt(*, message: FollowupMessage, limit: int = 240) -> str:
    """The member's own words the case came from (their post or report, as stored after intake
    minimisation), so they know what the questions are about. Nothing the member did not
    write: no coded terms, no case ids."""
    case = message.case
    post = (
        Post.objects.filter(cases=case, member_id=message.member_id).order_by("posted_at").first()
    )
    text = post.text if post else ""
    if not text:
        report = (
            AEReport.objects.filter(cases=case, member_id=message.member_id)
            .order_by("submitted_at")
            .first()
        )
        if report is not None:
            text = report.free_text or "; ".join(e.get("text", "") for e in report.events)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def followup_asked_by(*, message: FollowupMessage) -> list[str]:
    """Who asked, as the member is told: the kind of organisation, not its name."""
    kinds = {r.partner.kind for r in message.requests.all()}
    labels = {"regulator": "a medicines regulator", "sponsor": "a pharmaceutical company"}
    return [labels[k] for k in ("regulator", "sponsor") if k in kinds]
