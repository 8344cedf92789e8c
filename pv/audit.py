"""The audit trail: `audit_record` appends, `audit_verify` checks the hash chain.

Each event's hash covers its own content and the previous event's hash, so editing, deleting or
reordering any row breaks the chain at that row. Appends lock the single chain-head row, so two
concurrent transactions can never both extend the same predecessor.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from pv.models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64


def _jsonable(value: Any) -> Any:
    """Normalise to what a JSONField gives back, so the hash is recomputable from the row."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True))


def _event_hash(*, seq: int, prev_hash: str, fields: dict[str, Any]) -> str:
    payload = json.dumps(
        {"seq": seq, "prev": prev_hash, **fields},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _hash_fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "actor": str(event.actor_id) if event.actor_id else None,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "before": event.before,
        "after": event.after,
        "reason": event.reason,
        "at": event.created_at.isoformat(),
    }


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
) -> AuditEvent:
    """Append one audit event. Call inside the transaction that makes the change."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        event = AuditEvent(
            seq=head.seq + 1,
            actor=actor if getattr(actor, "pk", None) else None,
            actor_label=getattr(actor, "username", None)
            or (actor if isinstance(actor, str) else "system"),
            action=action,
            object_type=object_type,
            object_id=object_id,
            before=_jsonable(before),
            after=_jsonable(after),
            reason=reason,
            prev_hash=head.hash,
        )
        # created_at is set here, not by auto_now_add at save time, because it is hashed.
        event.created_at = timezone.now()
        event.hash = _event_hash(seq=event.seq, prev_hash=head.hash, fields=_hash_fields(event))
        event.save(force_insert=True)
        AuditChainHead.objects.filter(id=1).update(seq=event.seq, hash=event.hash)
    return event


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    problem: str


def audit_verify(*, chunk_size: int = 5000) -> Iterator[ChainBreak]:
    """Yield every break in the chain (edited row, deleted row, wrong link, head mismatch)."""
    expected_seq, prev_hash = 1, GENESIS_HASH
    events = AuditEvent.objects.order_by("seq").iterator(chunk_size=chunk_size)
    for event in events:
        if event.seq != expected_seq:
            yield ChainBreak(expected_seq, f"events {expected_seq}..{event.seq - 1} are missing")
        if event.prev_hash != prev_hash:
            yield ChainBreak(event.seq, "link to the previous event does not match")
        recomputed = _event_hash(
            seq=event.seq, prev_hash=event.prev_hash, fields=_hash_fields(event)
        )
        if recomputed != event.hash:
            yield ChainBreak(event.seq, "content does not match its hash (row was edited)")
        expected_seq, prev_hash = event.seq + 1, event.hash
    head = AuditChainHead.objects.filter(id=1).first()
    last_seq = expected_seq - 1
    if head is not None and (head.seq != last_seq or head.hash != prev_hash):
        yield ChainBreak(
            head.seq,
            f"chain head says seq {head.seq} but the last event is {last_seq}"
            " (rows deleted at the end?)",
        )
