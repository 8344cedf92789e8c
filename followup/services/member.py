"""What the member does with a message: answer (with consent), decline, or opt out of all
contact. Through the inbox (logged in) or an emailed link (single use, expiring).

Answers are scrubbed on arrival, like posts at intake: the member's own Restricted values
(an audited vault read, purpose "scrubbing") and contact patterns never reach the database,
so nothing downstream (reviewers, the case, E2B) can pass them on.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from followup.models import FollowupLink, FollowupMessage, FollowupRequest
from followup.services.common import M, R, message_close
from followup.services.relay import link_raw_token, token_hash
from pv.audit import audit_record
from pv.core.exceptions import Conflict, DomainError, NotFound
from pv.models import Member
from pv.services.members import member_set_contact_opt_out
from pv.services.privacy import intake_scrubber

CONSENT_TEXT = (
    "I agree that pv passes my answers, without my name or contact details, to the "
    "organisations that asked, and adds them to the safety report about my experience."
)
MAX_ANSWER_LENGTH = 4000
# Audit label for what a member does through an emailed link (no login session).
LINK_ACTOR = "member-via-link"


class LinkGone(DomainError):
    """Expired or already used: 410, with a message the member can act on."""

    http_status = 410


def followup_link_resolve(*, token: str, now: datetime | None = None) -> FollowupLink:
    """The link behind a token, or NotFound (forged, unknown) / LinkGone (used, expired,
    or the message is no longer waiting for an answer)."""
    now = now or timezone.now()
    raw = link_raw_token(token)
    link = (
        FollowupLink.objects.select_related("message", "message__member")
        .filter(token_hash=token_hash(raw))
        .first()
        if raw
        else None
    )
    if link is None:
        raise NotFound("This link is not valid.", code="link_invalid")
    if link.used_at is not None:
        raise LinkGone("This link has already been used.", code="link_used")
    if link.expires_at <= now:
        raise LinkGone("This link has expired.", code="link_expired")
    if link.message.status not in FollowupMessage.AWAITING_MEMBER:
        raise LinkGone("These questions are closed.", code="message_closed")
    return link


def _consume(link: FollowupLink | None, now: datetime) -> None:
    if link is None:
        return
    used = FollowupLink.objects.filter(id=link.id, used_at__isnull=True, expires_at__gt=now).update(
        used_at=now
    )
    if used != 1:
        raise LinkGone("This link has already been used.", code="link_used")


def _check_owner(message: FollowupMessage, actor, link: FollowupLink | None) -> None:
    """The inbox path: the logged-in member must own the message. The link path: the link."""
    if link is not None:
        if link.message_id != message.id:
            raise NotFound()
        return
    member = getattr(actor, "member", None)
    if member is None or member.id != message.member_id:
        raise NotFound()


def _channel(link: FollowupLink | None) -> str:
    return FollowupMessage.Channel.LINK if link else FollowupMessage.Channel.INBOX


def _not_open() -> Conflict:
    return Conflict("These questions are no longer open.", code="message_closed")


@transaction.atomic
def followup_message_answer(
    *,
    actor,
    message: FollowupMessage,
    answers: dict[str, str],
    consent: bool,
    link: FollowupLink | None = None,
    now: datetime | None = None,
) -> FollowupMessage:
    now = now or timezone.now()
    _check_owner(message, actor, link)
    if not consent:
        raise DomainError(
            "Please confirm that your answers may be passed on.",
            code="consent_required",
            extra={"fields": {"consent": ["required to send answers"]}},
        )
    known = {q["id"] for q in message.questions}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise DomainError(
            "Unknown question(s).", code="invalid", extra={"fields": {"answers": unknown}}
        )
    given = {k: v.strip() for k, v in answers.items() if v and v.strip()}
    if not given:
        raise DomainError(
            "Answer at least one question, or decline.",
            code="invalid",
            extra={"fields": {"answers": ["empty"]}},
        )
    if any(len(v) > MAX_ANSWER_LENGTH for v in given.values()):
        raise DomainError(
            f"Answers are at most {MAX_ANSWER_LENGTH} characters.",
            code="invalid",
            extra={"fields": {"answers": ["too long"]}},
        )
    # Minimised before it is stored, like everything intake stores.
    scrub = intake_scrubber(member=message.member, actor=actor or LINK_ACTOR)
    scrubbed = {k: scrub(v) for k, v in given.items()}
    _consume(link, now)
    closed = message_close(
        message=message,
        status=M.ANSWERED,
        now=now,
        actor=actor or LINK_ACTOR,
        reason="answered by the member",
        from_statuses=FollowupMessage.AWAITING_MEMBER,
        answers=scrubbed,
        responded_at=now,
        response_channel=_channel(link),
        consent_at=now,
        consent_text=CONSENT_TEXT,
        review_status=FollowupMessage.Review.PENDING,
    )
    if not closed:
        raise _not_open()
    audit_record(
        actor=actor or LINK_ACTOR,
        action="followup.consent_recorded",
        obj=message,
        after={"consent": CONSENT_TEXT, "answered": sorted(scrubbed)},
    )
    message.refresh_from_db()
    return message


@transaction.atomic
def followup_message_decline(
    *,
    actor,
    message: FollowupMessage,
    link: FollowupLink | None = None,
    now: datetime | None = None,
) -> FollowupMessage:
    """The member says no to these questions (also: withdraws from a pending message)."""
    now = now or timezone.now()
    _check_owner(message, actor, link)
    _consume(link, now)
    closed = message_close(
        message=message,
        status=M.DECLINED,
        now=now,
        actor=actor or LINK_ACTOR,
        reason="declined by the member",
        from_statuses=FollowupMessage.AWAITING_MEMBER,
        responded_at=now,
        response_channel=_channel(link),
    )
    if not closed:
        raise _not_open()
    message.refresh_from_db()
    return message


@transaction.atomic
def followup_member_opt_out(
    *,
    actor,
    member: Member,
    link: FollowupLink | None = None,
    now: datetime | None = None,
) -> Member:
    """Opt out of all contact: recorded on the member (pv service, audited), and every open
    message and request about them closes as "not contactable"."""
    now = now or timezone.now()
    if link is not None and link.message.member_id != member.id:
        raise NotFound()
    _consume(link, now)
    member = member_set_contact_opt_out(
        actor=actor or LINK_ACTOR,
        member=member,
        opted_out=True,
        reason="member opted out of follow-up contact",
    )
    for message in FollowupMessage.objects.filter(member=member, status__in=FollowupMessage.OPEN):
        message_close(
            message=message,
            status=M.NOT_CONTACTABLE,
            now=now,
            actor=actor or LINK_ACTOR,
            reason="member opted out of all contact",
            from_statuses=FollowupMessage.OPEN,
            responded_at=now,
            response_channel=_channel(link),
        )
    for request in FollowupRequest.objects.filter(member=member, status__in=FollowupRequest.OPEN):
        FollowupRequest.objects.filter(id=request.id, status__in=FollowupRequest.OPEN).update(
            status=R.NOT_CONTACTABLE, status_changed_at=now, updated_at=now
        )
        audit_record(
            actor=actor or LINK_ACTOR,
            action="followup.request_not_contactable",
            obj=request,
            after={"status": R.NOT_CONTACTABLE},
            reason="member opted out of all contact",
        )
    return member
