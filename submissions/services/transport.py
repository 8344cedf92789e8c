"""Sending, pulling and acknowledging: status moves after a submission is validated."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from pv.audit import audit_record
from pv.core.exceptions import DomainError
from pv.core.outbox import outbox_grace, task_enqueue_on_commit
from pv.models import Case, Partner
from submissions.e2b import E2BParseError, parse_ack
from submissions.models import AckRefusal, Submission
from submissions.services.holds import submission_release_held
from submissions.transport import GatewayRefused, GatewayUnavailable, push_xml

logger = logging.getLogger(__name__)
S = Submission.Status


def submission_send(*, submission: Submission, actor="system") -> Submission:
    """validated -> sending -> sent (or acknowledged, when the receiver answers with an ACK)."""
    claimed = Submission.objects.filter(id=submission.id, status=S.VALIDATED).update(
        status=S.SENDING, updated_at=timezone.now()
    )
    if claimed != 1:
        return Submission.objects.get(id=submission.id)  # another worker took it
    Submission.objects.filter(id=submission.id).update(attempts=submission.attempts + 1)
    try:
        result = push_xml(
            url=submission.recipient.endpoint_url,
            xml=bytes(submission.xml),
            timeout=settings.PV_SUBMISSION_TIMEOUT,
        )
    except GatewayUnavailable as exc:
        # Release the claim so the retry can take it again; receivers de-duplicate on N.2.r.1.
        # updated_at marks when the retry wait began: the sweeper leaves it to the retry.
        Submission.objects.filter(id=submission.id, status=S.SENDING).update(
            status=S.VALIDATED, last_error=str(exc)[:2000], updated_at=timezone.now()
        )
        raise
    except GatewayRefused as exc:
        return _mark_failed(submission, str(exc), actor=actor)
    with transaction.atomic():
        Submission.objects.filter(id=submission.id, status=S.SENDING).update(
            status=S.SENT, sent_at=timezone.now(), last_error=""
        )
        audit_record(
            actor=actor,
            action="submission.sent",
            obj=submission,
            after={"http_status": result.status},
        )
    if result.body.strip().startswith(b"<"):
        try:
            submission_ack_receive(xml=result.body, partner=submission.recipient, actor=actor)
        except DomainError as exc:
            logger.warning(
                "synchronous ACK for %s could not be read: %s", submission.id, exc.message
            )
    return Submission.objects.get(id=submission.id)


def _mark_failed(submission: Submission, error: str, *, actor) -> Submission:
    with transaction.atomic():
        Submission.objects.filter(id=submission.id).exclude(status=S.ACKNOWLEDGED).update(
            status=S.FAILED, last_error=error[:4000]
        )
        audit_record(
            actor=actor, action="submission.failed", obj=submission, after={"error": error[:500]}
        )
    return Submission.objects.get(id=submission.id)


def submission_mark_failed(*, submission: Submission, error: str, actor="system") -> Submission:
    """Retries exhausted: the reviewer sees the failure on the due list."""
    return _mark_failed(submission, error, actor=actor)


def submission_download(*, submission: Submission, actor) -> bytes:
    """A pull partner downloads its XML: validated -> sent (the first download counts)."""
    with transaction.atomic():
        moved = Submission.objects.filter(id=submission.id, status=S.VALIDATED).update(
            status=S.SENT, sent_at=timezone.now()
        )
        if moved:
            audit_record(actor=actor, action="submission.pulled", obj=submission)
    return bytes(submission.xml)


_RESULTS = {
    ("AA", "CA"): Submission.AckResult.ACCEPTED,
    ("AE", "CA"): Submission.AckResult.ACCEPTED_WITH_ERRORS,
}


# A partner can acknowledge a submission only once it has reached them: pushed (sending: the body
# may already be with the receiver when its ACK arrives), sent, pulled, or acknowledged before.
_REACHED_PARTNER = (S.SENDING, S.SENT, S.ACKNOWLEDGED)


class _AckRefused(Exception):
    def __init__(self, reason: str, message: str, *, message_ids=(), batch_number: str = ""):
        super().__init__(message)
        self.reason, self.message = reason, message
        self.message_ids, self.batch_number = list(message_ids), batch_number


def submission_ack_receive(
    *, xml: bytes, partner: Partner | None, actor="system"
) -> list[Submission]:
    """Parse an ACK (MCCI_IN200101UV01) and reconcile it with the submissions it names.

    Strict matching: each message acknowledgement applies to the submission with that message id
    (N.2.r.1) inside the named batch (N.1.2) of this partner, and only if that submission has
    reached the partner. An ACK naming an unknown batch or message id, or a submission never sent,
    is refused as a whole (nothing applied), recorded as an `AckRefusal` for staff, and answered
    with a 400 that names no other partner's traffic. Re-posting the same ACK changes nothing; an
    ACK that contradicts an earlier one for the same message is refused too.
    """
    try:
        ack = parse_ack(xml)
    except E2BParseError as exc:
        raise DomainError(f"Not a readable E2B acknowledgement: {exc}", code="invalid_ack") from exc
    try:
        return _ack_apply(ack=ack, xml=xml, partner=partner, actor=actor)
    except _AckRefused as refused:
        _ack_refusal_record(refused=refused, ack_xml=xml, partner=partner, actor=actor)
        raise DomainError(
            refused.message,
            code=refused.reason,
            extra={"batch_number": refused.batch_number, "message_ids": refused.message_ids},
        ) from None


@transaction.atomic
def _ack_apply(*, ack, xml: bytes, partner: Partner | None, actor) -> list[Submission]:
    batch = Submission.objects.select_for_update().filter(batch_number=ack.batch_number)
    if partner is not None:
        batch = batch.filter(recipient=partner)
    rows = list(batch)
    if not rows:
        raise _AckRefused(
            AckRefusal.Reason.UNKNOWN_BATCH,
            "No submission of yours has this batch number.",
            batch_number=ack.batch_number,
        )
    if not ack.messages:
        if ack.code != "AR":
            raise _AckRefused(
                AckRefusal.Reason.NO_MESSAGES,
                "The ACK acknowledges no message (ACK.B.r) and does not reject the batch.",
                batch_number=ack.batch_number,
            )
        # A batch rejected as a whole (AR, no message-level part): every sent message in it.
        reached = [r for r in rows if r.status in _REACHED_PARTNER]
        if not reached:
            raise _AckRefused(
                AckRefusal.Reason.NOT_SENT,
                "No submission in this batch has been sent to you.",
                batch_number=ack.batch_number,
            )
        pairs = [(row, Submission.AckResult.REJECTED, "AR", ack.text) for row in reached]
    else:
        by_message = {r.message_id: r for r in rows}
        unknown = [m.message_id for m in ack.messages if m.message_id not in by_message]
        if unknown:
            raise _AckRefused(
                AckRefusal.Reason.UNKNOWN_MESSAGE,
                "The ACK names message ids that are not in this batch.",
                message_ids=unknown,
                batch_number=ack.batch_number,
            )
        unsent = [
            m.message_id
            for m in ack.messages
            if by_message[m.message_id].status not in _REACHED_PARTNER
        ]
        if unsent:
            raise _AckRefused(
                AckRefusal.Reason.NOT_SENT,
                "The ACK names messages that were never sent to you.",
                message_ids=unsent,
                batch_number=ack.batch_number,
            )
        pairs = []
        for message in ack.messages:
            if ack.code == "AR":
                result = Submission.AckResult.REJECTED
            else:
                result = _RESULTS.get((ack.code, message.code), Submission.AckResult.REJECTED)
            pairs.append(
                (
                    by_message[message.message_id],
                    result,
                    message.code,
                    message.error_text or ack.text,
                )
            )
    contradicted = [
        row.message_id
        for row, result, code, _ in pairs
        if row.status == S.ACKNOWLEDGED and (row.ack_result, row.ack_code) != (result, code)
    ]
    if contradicted:
        raise _AckRefused(
            AckRefusal.Reason.CONTRADICTS,
            "These messages were already acknowledged with another result.",
            message_ids=contradicted,
            batch_number=ack.batch_number,
        )
    updated = []
    for row, result, code, text in pairs:
        if row.status == S.ACKNOWLEDGED:
            continue  # the same ACK again: nothing changes
        Submission.objects.filter(id=row.id).update(
            status=S.ACKNOWLEDGED,
            acked_at=timezone.now(),
            ack_result=result,
            ack_code=code,
            ack_text=(text or "")[:10000],
            ack_xml=xml,
        )
        audit_record(
            actor=actor,
            action="submission.acknowledged",
            obj=row,
            after={"result": result, "code": code, "text": (text or "")[:500]},
        )
        updated.append(row.id)
    return list(Submission.objects.filter(id__in=updated))


def _ack_refusal_record(*, refused: _AckRefused, ack_xml: bytes, partner, actor) -> None:
    with transaction.atomic():
        refusal = AckRefusal.objects.create(
            partner=partner,
            reason=refused.reason,
            batch_number=refused.batch_number[:100],
            message_ids=refused.message_ids[:100],
            detail=refused.message,
            ack_xml=ack_xml,
        )
        audit_record(
            actor=actor,
            action="submission.ack_refused",
            obj=refusal,
            after={
                "reason": refused.reason,
                "batch_number": refused.batch_number[:100],
                "message_ids": refused.message_ids[:20],
            },
        )


def submission_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """The submissions outbox sweeper: republish every unfinished submission whose task is
    overdue by a grace period (lost at publish, worker killed, retries used up).

    - a latest case version with day 0 never routed -> route it;
    - queued (never prepared) -> prepare again;
    - validated for a push partner, untouched for longer than the longest retry wait plus the
      grace (a worker killed while holding a retry) -> send again;
    - sending for longer than the grace (a worker killed mid-POST) -> back to validated, send;
    - held whose case can now be sent (a recode whose release was lost) -> released, prepared.
    The claims in prepare and send keep a copy from doing the work twice; the receiver
    de-duplicates on the message id (N.2.r.1), which never changes between attempts.
    """
    from submissions.tasks import (  # noqa: PLC0415
        case_route_task,
        submission_prepare_task,
        submission_send_task,
    )

    now = now or timezone.now()
    grace = outbox_grace()
    retry_wait = timedelta(seconds=settings.PV_TASK_RETRY_MAX_SECONDS)
    with transaction.atomic():
        queued = _claim(Q(status=S.QUEUED, updated_at__lt=now - grace), now=now)
        stuck = _claim(Q(status=S.SENDING, updated_at__lt=now - grace), now=now, to=S.VALIDATED)
        waiting = _claim(
            Q(
                status=S.VALIDATED,
                updated_at__lt=now - grace - retry_wait,
                recipient__endpoint_url__gt="",
            ),
            now=now,
        )
        for sid in queued:
            task_enqueue_on_commit(submission_prepare_task, sid)
        # Case versions never routed (the routing task was lost): routing is idempotent.
        unrouted = [
            str(i)
            for i in Case.objects.filter(
                is_latest=True,
                day_zero__isnull=False,
                routed_at__isnull=True,
                created_at__lt=now - grace,
            ).values_list("id", flat=True)[:1000]
        ]
        for cid in unrouted:
            task_enqueue_on_commit(case_route_task, cid)
        for sid in stuck + waiting:
            task_enqueue_on_commit(submission_send_task, sid)
    released = submission_release_held(actor="sweeper", stale_before=now - grace)["released"]
    counts = {
        "held_released": released,
        "unrouted": len(unrouted),
        "queued": len(queued),
        "sending": len(stuck),
        "validated": len(waiting),
    }
    if any(counts.values()):
        logger.warning("submission sweep republished %s", counts)
    return counts


def _claim(condition: Q, *, now: datetime, to: str | None = None, limit: int = 5000) -> list[str]:
    """Lock (skipping rows another sweeper holds), touch and return the ids matching."""
    ids = list(
        Submission.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(condition)
        .order_by("updated_at")
        .values_list("id", flat=True)[:limit]
    )
    changes: dict = {"updated_at": now}
    if to:
        changes["status"] = to
    Submission.objects.filter(id__in=ids).update(**changes)
    return [str(i) for i in ids]
