"""pv's own Celery tasks (beat): ids in or nothing in, one service call, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from pv.audit_anchor import audit_anchor_write


@shared_task(acks_late=True)
def audit_anchor_task() -> int | None:
    """Beat: sign the audit chain head into the anchor file (nothing new: nothing written)."""
    anchor = audit_anchor_write()
    return anchor.seq if anchor else None
