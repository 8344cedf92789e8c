"""Small helpers the follow-up services share: status moves of requests, closing messages."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from followup.models import FollowupAttempt, FollowupMessage, FollowupRequest
from pv.audit import audit_record

R = FollowupRequest.Status
M = FollowupMessage.Status


def requests_follow_message(
    *, message: FollowupMessage, status: str, now: datetime, only=FollowupRequest.OPEN
) -> int:
    """Move the open requests merged into `message` to `status` (what their partners see)."""
    return FollowupRequest.objects.filter(message=message, status__in=only).update(
        status=status, status_changed_at=now, updated_at=now
    )


@transaction.atomic
def message_close(
    *,
    message: FollowupMessage,
    status: str,
    now: datetime,
    actor,
    reason: str,
    from_statuses=FollowupMessage.OPEN,
    record_attempt: FollowupAttempt.Kind | None = None,
    **fields,
) -> bool:
    """Close an open message (answered, declined, expired, not contactable) with a conditional
    update; False when someone else closed it first. Its requests follow."""
    closed = FollowupMessage.objects.filter(id=message.id, status__in=from_statuses).update(
        status=status, next_attempt_at=None, updated_at=now, **fields
    )
    if closed != 1:
        return False
    requests_follow_message(message=message, status=status, now=now)
    if record_attempt is not None:
        FollowupAttempt.objects.create(
            message=message,
            number=message.attempts + 1,
            kind=record_attempt,
            outcome=FollowupAttempt.Outcome.NOT_CONTACTABLE,
            detail=reason[:300],
        )
    audit_record(
        actor=actor,
        action=f"followup.message_{status}",
        obj=message,
        before={"status": message.status},
        after={"status": status},
        reason=reason,
    )
    message.status = status
    return True
