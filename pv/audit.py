"""The audit trail: `audit_record` appends, `audit_verify` checks the keyed hash chain.

Each event's hash is an HMAC (key `PV_AUDIT_KEY`, kept outside the database) over its own
content and the previous event's hash, so editing, deleting or reordering any row breaks the
chain at that row, and someone who can write to the database but does not hold the key cannot
recompute the hashes after an edit. What the key cannot catch (dropping the newest rows and moving
the head back) the anchors catch: `pv.audit_anchor` appends signed copies of the head to a file
outside the database, and verification checks the chain still contains every anchored head.

Appends lock the single chain-head row, so two concurrent transactions can never both extend the
same predecessor. The lock is held until the transaction commits, so it is taken as late as
possible: inside `audit_batch()` a transaction's events are collected and appended together, under
one lock, when the block ends (just before commit), instead of each `audit_record` taking the lock
and holding it through the rest of the transaction's work.

Rows written before the chain was keyed carry `scheme = "sha256"` (plain SHA-256, the old
scheme). They are still verified, and they are protected by the first keyed row after them (its
HMAC covers the last plain hash). A plain row after a keyed one is a forgery: the code never
writes one.
"""

from __future__ import annotations

import contextvars
import hashlib
import hmac
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from pv.core.exceptions import DomainError
from pv.models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64
SCHEME_PLAIN = "sha256"  # before the chain was keyed: verifiable by anyone, forgeable by anyone
SCHEME_KEYED = "hmac-sha256"

# The events of the innermost open `audit_batch()` block, appended when it ends.
_pending: contextvars.ContextVar[list[AuditEvent] | None] = contextvars.ContextVar(
    "pv_audit_pending", default=None
)


def audit_key() -> bytes:
    key = getattr(settings, "PV_AUDIT_KEY", "")
    if not key:
        raise DomainError(
            "The audit key (PV_AUDIT_KEY) is not configured.", code="audit_unconfigured"
        )
    return key.encode()


def audit_key_id(key: bytes | None = None) -> str:
    """A short fingerprint of the key, so a verification with the wrong key says so."""
    return hmac.new(key or audit_key(), b"pv-audit-key-id", hashlib.sha256).hexdigest()[:16]


def _jsonable(value: Any) -> Any:
    """Normalise to what a JSONField gives back, so the hash is recomputable from the row."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True))


def _payload(*, seq: int, prev_hash: str, fields: dict[str, Any]) -> bytes:
    return json.dumps(
        {"seq": seq, "prev": prev_hash, **fields},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode("utf-8")


def _event_hash(
    *, seq: int, prev_hash: str, fields: dict[str, Any], scheme: str, key: bytes | None
) -> str:
    if scheme == SCHEME_PLAIN:
        return hashlib.sha256(_payload(seq=seq, prev_hash=prev_hash, fields=fields)).hexdigest()
    if scheme != SCHEME_KEYED or key is None:
        raise ValueError(f"unknown audit scheme {scheme!r}")
    # The scheme is hashed too, so a keyed row's marker cannot change without breaking it (a
    # row relabelled plain *and* re-hashed is caught by the order rule in audit_verify).
    payload = _payload(seq=seq, prev_hash=prev_hash, fields={**fields, "scheme": scheme})
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


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


def _append(events: list[AuditEvent]) -> None:
    """Chain `events` onto the head and insert them: one lock, one insert, one head update."""
    if not events:
        return
    key = audit_key()
    # No savepoint: a failed append fails the caller's transaction, which is what we want.
    with transaction.atomic(savepoint=False):
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        seq, prev_hash = head.seq, head.hash
        # created_at is set here, under the lock, not by auto_now_add: it is hashed, and it then
        # grows with seq.
        now = timezone.now()
        for event in events:
            seq += 1
            event.seq, event.prev_hash, event.scheme = seq, prev_hash, SCHEME_KEYED
            event.created_at = now
            event.hash = _event_hash(
                seq=seq, prev_hash=prev_hash, fields=_hash_fields(event), scheme=SCHEME_KEYED,
                key=key,
            )  # fmt: skip
            prev_hash = event.hash
        if len(events) == 1:
            events[0].save(force_insert=True)
        else:
            AuditEvent.objects.bulk_create(events, batch_size=1000)
        AuditChainHead.objects.filter(id=1).update(seq=seq, hash=prev_hash)


@contextmanager
def audit_batch() -> Iterator[None]:
    """One transaction whose audit events are appended together when the block ends.

    Use around a write that records several events, or whose work after its first event is long
    (a batch import): the chain head is then locked for the append and the commit only, not for
    the whole transaction, so concurrent writers overlap instead of queueing. Events recorded in
    the block get their seq and hash when it ends; an exception discards them with the rest of
    the transaction. Nested blocks join the outermost one.
    """
    if _pending.get() is not None:
        yield
        return
    with transaction.atomic():
        pending: list[AuditEvent] = []
        token = _pending.set(pending)
        try:
            yield
        finally:
            _pending.reset(token)
        _append(pending)


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
    """Append one audit event. Call inside the transaction that makes the change.

    Inside `audit_batch()` the event is queued and appended when the block ends.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    event = AuditEvent(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=getattr(actor, "username", None)
        or (actor if isinstance(actor, str) else "system"),
        action=action,
        object_type=object_type,
        object_id=object_id,
        before=_jsonable(before),
        after=_jsonable(after),
        reason=reason,
    )
    pending = _pending.get()
    if pending is not None:
        pending.append(event)
    else:
        _append([event])
    return event


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    problem: str


@dataclass
class ChainState:
    """What a verification walked: filled in by `audit_verify` as it goes."""

    events: int = 0
    plain: int = 0  # rows from before the chain was keyed
    last_seq: int = 0
    last_hash: str = GENESIS_HASH
    hashes_at: dict[int, str] | None = None  # seq -> hash for the seqs asked for


def audit_verify(
    *, chunk_size: int = 5000, key: bytes | None = None, state: ChainState | None = None
) -> Iterator[ChainBreak]:
    """Yield every break in the chain (edited row, deleted row, wrong link, forged or plain row
    after keyed ones, head mismatch). `key` defaults to the configured one."""
    key = key or audit_key()
    state = state if state is not None else ChainState()
    wanted = state.hashes_at
    expected_seq, prev_hash, keyed_seen = 1, GENESIS_HASH, False
    events = AuditEvent.objects.order_by("seq").iterator(chunk_size=chunk_size)
    for event in events:
        state.events += 1
        if event.seq != expected_seq:
            yield ChainBreak(expected_seq, f"events {expected_seq}..{event.seq - 1} are missing")
        if event.prev_hash != prev_hash:
            yield ChainBreak(event.seq, "link to the previous event does not match")
        if event.scheme == SCHEME_PLAIN:
            state.plain += 1
            if keyed_seen:
                yield ChainBreak(event.seq, "unkeyed event after keyed ones (forged row)")
        elif event.scheme == SCHEME_KEYED:
            keyed_seen = True
        else:
            yield ChainBreak(event.seq, f"unknown hash scheme {event.scheme!r}")
            expected_seq, prev_hash = event.seq + 1, event.hash
            continue
        recomputed = _event_hash(
            seq=event.seq, prev_hash=event.prev_hash, fields=_hash_fields(event),
            scheme=event.scheme, key=key,
        )  # fmt: skip
        if not hmac.compare_digest(recomputed, event.hash):
            yield ChainBreak(
                event.seq, "content does not match its hash (row edited, or another key)"
            )
        if wanted is not None and event.seq in wanted:
            wanted[event.seq] = event.hash
        expected_seq, prev_hash = event.seq + 1, event.hash
    state.last_seq, state.last_hash = expected_seq - 1, prev_hash
    head = AuditChainHead.objects.filter(id=1).first()
    last_seq = expected_seq - 1
    if head is not None and (head.seq != last_seq or head.hash != prev_hash):
        yield ChainBreak(
            head.seq,
            f"chain head says seq {head.seq} but the last event is {last_seq}"
            " (rows deleted at the end?)",
        )
