"""The relay: deliver a message to the member (inbox + email with a single-use link), remind
on schedule, expire, and sweep.

Sends claim the message with a conditional UPDATE that must touch exactly one row
(Healthchecks), so two workers, or a retried task, never email the member twice for the same
attempt. The address comes from the vault (audited, purpose "follow-up") at send time and is
never stored or logged. The email says nothing the member did not write: no case details, no
partner names, only that there are questions and the link to them.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import smtplib
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from followup import conf
from followup.models import FollowupAttempt, FollowupLink, FollowupMessage, FollowupRequest
from followup.services.common import M, R, message_close, requests_follow_message
from pv.audit import audit_record
from pv.core.outbox import outbox_grace
from pv.models import Member
from pv.vault import vault_identity_read

logger = logging.getLogger(__name__)
SYSTEM = "system"
LINK_SALT = "pv.followup.link"
A = FollowupAttempt


class EmailUnavailable(Exception):
    """The mail server could not take the message now; the task retries."""


# ---- links ------------------------------------------------------------------------------------


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def link_create(*, message: FollowupMessage, expires_at: datetime) -> str:
    """A new answer link; returns the signed token (shown once, in the email)."""
    raw = secrets.token_urlsafe(32)
    FollowupLink.objects.create(message=message, token_hash=token_hash(raw), expires_at=expires_at)
    return signing.Signer(salt=LINK_SALT).sign(raw)


def link_raw_token(token: str) -> str | None:
    """The random part of a signed token, or None when the signature is wrong (forged or
    mangled links are refused before any database lookup)."""
    try:
        return signing.Signer(salt=LINK_SALT).unsign(token)
    except signing.BadSignature:
        return None


def link_url(token: str) -> str:
    path = reverse("followup-reply", kwargs={"token": token})
    return settings.PV_SITE_URL.rstrip("/") + path


# ---- delivery ---------------------------------------------------------------------------------


def _email(*, to: str, link: str, expires_at: datetime, reminder: bool) -> EmailMessage:
    context = {
        "link": link,
        "inbox_link": settings.PV_SITE_URL.rstrip("/") + reverse("home"),
        "expires_on": expires_at.date(),
        "reminder": reminder,
    }
    subject = render_to_string("followup/email/subject.txt", context).strip()
    body = render_to_string("followup/email/notification.txt", context)
    return EmailMessage(subject=subject, body=body, to=[to])


def _deliver(*, message: FollowupMessage, number: int, kind: str, now: datetime) -> str:
    """Put the message in the inbox (it is, once its status says sent) and email the link.
    Returns the attempt outcome. Raises EmailUnavailable on a transient mail error."""
    member = message.member
    identity = vault_identity_read(member=member, purpose="follow-up", actor=SYSTEM)
    if identity is None or not identity.email:
        outcome = A.Outcome.INBOX_ONLY
        detail = "no email address in the vault"
    else:
        expires_at = message.expires_at or now + conf.expire_after()
        token = link_create(message=message, expires_at=expires_at)
        email = _email(
            to=identity.email,
            link=link_url(token),
            expires_at=expires_at,
            reminder=kind == A.Kind.REMINDER,
        )
        try:
            email.send(fail_silently=False)
        except (smtplib.SMTPException, OSError) as exc:
            # The class name only: SMTP errors can quote the recipient address.
            FollowupAttempt.objects.create(
                message=message,
                number=number,
                kind=kind,
                outcome=A.Outcome.FAILED,
                detail=type(exc).__name__,
            )
            logger.warning(
                "follow-up message %s: attempt %d email failed (%s)",
                message.id,
                number,
                type(exc).__name__,
            )
            raise EmailUnavailable(type(exc).__name__) from exc
        outcome, detail = A.Outcome.SENT, ""
    FollowupAttempt.objects.create(
        message=message, number=number, kind=kind, outcome=outcome, detail=detail
    )
    logger.info("follow-up message %s: attempt %d (%s) %s", message.id, number, kind, outcome)
    return outcome


def _reachable(member: Member) -> bool:
    # No email and no platform account: there is no channel to reach the member on.
    return member.is_contactable


def followup_message_send(*, message_id, now: datetime | None = None) -> FollowupMessage | None:
    """queued -> sending -> sent: the first delivery. Safe to call twice: the second finds the
    claim taken and does nothing."""
    now = now or timezone.now()
    claimed = FollowupMessage.objects.filter(id=message_id, status=M.QUEUED).update(
        status=M.SENDING, updated_at=now
    )
    if claimed != 1:
        return FollowupMessage.objects.filter(id=message_id).first()
    message = FollowupMessage.objects.select_related("member").get(id=message_id)
    if not _reachable(message.member):
        message_close(
            message=message,
            status=M.NOT_CONTACTABLE,
            now=now,
            actor=SYSTEM,
            reason="member opted out or deactivated before the first message",
            from_statuses=(M.SENDING,),
            record_attempt=A.Kind.INITIAL,
        )
        return message
    message.expires_at = now + conf.expire_after()
    try:
        outcome = _deliver(message=message, number=1, kind=A.Kind.INITIAL, now=now)
    except EmailUnavailable:
        # Release the claim for the retry; the failed attempt is on record. updated_at: when
        # the retry wait began (the outbox sweep leaves the message to the retry until then).
        FollowupMessage.objects.filter(id=message.id, status=M.SENDING).update(
            status=M.QUEUED, updated_at=timezone.now()
        )
        raise
    offset = conf.reminder_offset(2)
    with transaction.atomic():
        FollowupMessage.objects.filter(id=message.id, status=M.SENDING).update(
            status=M.SENT,
            attempts=1,
            first_sent_at=now,
            last_sent_at=now,
            next_attempt_at=now + offset if offset else None,
            expires_at=message.expires_at,
            updated_at=now,
        )
        requests_follow_message(message=message, status=R.SENT, now=now, only=(R.APPROVED,))
        audit_record(
            actor=SYSTEM,
            action="followup.message_sent",
            obj=message,
            after={"attempt": 1, "outcome": outcome, "expires_at": message.expires_at},
        )
    message.refresh_from_db()
    return message


def followup_message_remind(*, message_id, now: datetime | None = None) -> FollowupMessage | None:
    """Send the next reminder when it is due. The claim moves `attempts` from n to n + 1, so
    exactly one worker sends attempt n + 1."""
    now = now or timezone.now()
    message = FollowupMessage.objects.select_related("member").filter(id=message_id).first()
    if (
        message is None
        or message.status not in FollowupMessage.AWAITING_MEMBER
        or message.next_attempt_at is None
        or message.next_attempt_at > now
    ):
        return message
    number = message.attempts + 1
    offset = conf.reminder_offset(number + 1)
    first_sent_at = message.first_sent_at or now
    claimed = FollowupMessage.objects.filter(
        id=message.id,
        status__in=FollowupMessage.AWAITING_MEMBER,
        attempts=message.attempts,
        next_attempt_at__lte=now,
    ).update(
        attempts=number,
        next_attempt_at=first_sent_at + offset if offset else None,
        updated_at=now,
    )
    if claimed != 1:
        return FollowupMessage.objects.filter(id=message_id).first()
    message.attempts = number
    if not _reachable(message.member):
        message_close(
            message=message,
            status=M.NOT_CONTACTABLE,
            now=now,
            actor=SYSTEM,
            reason="member opted out or deactivated",
            from_statuses=FollowupMessage.AWAITING_MEMBER,
            record_attempt=A.Kind.REMINDER,
        )
        return message
    try:
        outcome = _deliver(message=message, number=number, kind=A.Kind.REMINDER, now=now)
    except EmailUnavailable:
        # A failed reminder counts as an attempt (on record); the next one follows the schedule.
        return message
    with transaction.atomic():
        FollowupMessage.objects.filter(
            id=message.id, status__in=FollowupMessage.AWAITING_MEMBER
        ).update(status=M.REMINDED, last_sent_at=now)
        requests_follow_message(
            message=message, status=R.REMINDED, now=now, only=(R.SENT, R.APPROVED)
        )
        audit_record(
            actor=SYSTEM,
            action="followup.message_reminded",
            obj=message,
            after={"attempt": number, "outcome": outcome},
        )
    message.refresh_from_db()
    return message


# ---- housekeeping (Celery beat) -----------------------------------------------------------


def followup_reminders_due(*, now: datetime) -> list[str]:
    return [
        str(pk)
        for pk in FollowupMessage.objects.filter(
            status__in=FollowupMessage.AWAITING_MEMBER, next_attempt_at__lte=now
        ).values_list("id", flat=True)
    ]


def followup_housekeeping(
    *, now: datetime | None = None, stuck_minutes: float | None = None
) -> dict:
    """Expire unanswered messages, close messages and requests of members who can no longer be
    contacted, re-queue sends a killed worker left behind. Returns counts and the ids of the
    messages due a reminder (the beat task fans them out)."""
    now = now or timezone.now()
    if stuck_minutes is None:  # the outbox grace period (PV_OUTBOX_GRACE_SECONDS)
        stuck_minutes = outbox_grace().total_seconds() / 60
    counts: dict[str, Any] = {"expired": 0, "not_contactable": 0, "requeued": 0}
    for message in FollowupMessage.objects.filter(
        status__in=FollowupMessage.AWAITING_MEMBER, expires_at__lte=now
    ):
        if message_close(
            message=message,
            status=M.EXPIRED,
            now=now,
            actor=SYSTEM,
            reason="no answer before expiry",
            from_statuses=FollowupMessage.AWAITING_MEMBER,
        ):
            counts["expired"] += 1
    unreachable = Q(member__status=Member.Status.DEACTIVATED) | Q(member__contact_opt_out=True)
    for message in FollowupMessage.objects.filter(unreachable, status__in=FollowupMessage.OPEN):
        if message_close(
            message=message,
            status=M.NOT_CONTACTABLE,
            now=now,
            actor=SYSTEM,
            reason="member opted out or deactivated",
            from_statuses=(M.QUEUED, M.SENT, M.REMINDED),
        ):
            counts["not_contactable"] += 1
    for request in FollowupRequest.objects.filter(unreachable, status=R.PENDING_APPROVAL):
        with transaction.atomic():
            moved = FollowupRequest.objects.filter(id=request.id, status=R.PENDING_APPROVAL).update(
                status=R.NOT_CONTACTABLE, status_changed_at=now, updated_at=now
            )
            if moved:
                audit_record(
                    actor=SYSTEM,
                    action="followup.request_not_contactable",
                    obj=request,
                    after={"status": R.NOT_CONTACTABLE},
                    reason="member opted out or deactivated",
                )
                counts["not_contactable"] += 1
    stuck = list(
        FollowupMessage.objects.filter(
            status=M.SENDING, updated_at__lt=now - timedelta(minutes=stuck_minutes)
        ).values_list("id", flat=True)
    )
    if stuck:
        counts["requeued"] = FollowupMessage.objects.filter(id__in=stuck, status=M.SENDING).update(
            status=M.QUEUED
        )
    # Queued a while and still not sent (the send task was lost, its worker killed while it
    # waited to retry, or it gave up): send again. A released claim (mail server down) touches
    # updated_at, so the task's own retry wait is left to it first; the rows taken here are
    # touched too, so a slow queue does not get a copy every sweep.
    retry_wait = timedelta(seconds=settings.PV_TASK_RETRY_MAX_SECONDS)
    overdue = Q(id__in=stuck) | Q(
        updated_at__lt=now - timedelta(minutes=stuck_minutes) - retry_wait
    )
    send = list(
        FollowupMessage.objects.filter(overdue, status=M.QUEUED).values_list("id", flat=True)
    )
    FollowupMessage.objects.filter(id__in=send, status=M.QUEUED).update(updated_at=now)
    counts["send"] = [str(pk) for pk in send]
    counts["remind"] = followup_reminders_due(now=now)
    return counts
