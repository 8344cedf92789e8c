"""Anchors: signed copies of the audit chain's head, kept outside the database.

The keyed chain stops a database writer from editing a row and recomputing the hashes after it,
but not from deleting the newest rows and moving the head back to the last one kept: what is left
is a valid chain. An anchor is a line `{"seq", "hash", "at", "key_id", "mac"}` appended to a file
(`PV_AUDIT_ANCHOR_PATH`; point it at storage the database's writers cannot rewrite, or ship it
with the logs: each anchor is also logged). Verification checks that every anchored head is still
in the chain with the same hash, so a rewrite is caught back to the latest anchor; the anchor
interval (`PV_AUDIT_ANCHOR_INTERVAL`, beat) bounds what can go unnoticed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from pv.audit import GENESIS_HASH, ChainBreak, ChainState, audit_key, audit_key_id, audit_verify
from pv.core.exceptions import DomainError
from pv.models import AuditChainHead

logger = logging.getLogger("pv.audit.anchor")


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str
    at: str
    key_id: str
    mac: str

    def as_line(self) -> str:
        return json.dumps(self.__dict__, sort_keys=True, separators=(",", ":")) + "\n"


def anchor_path() -> Path:
    path = getattr(settings, "PV_AUDIT_ANCHOR_PATH", "")
    if not path:
        raise DomainError(
            "The audit anchor file (PV_AUDIT_ANCHOR_PATH) is not configured.",
            code="audit_unconfigured",
        )
    return Path(path)


def _mac(key: bytes, *, seq: int, hash_: str, at: str) -> str:
    message = f"pv-audit-anchor|1|{seq}|{hash_}|{at}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _parse(line: str) -> Anchor | None:
    try:
        data = json.loads(line)
        return Anchor(seq=int(data["seq"]), hash=str(data["hash"]), at=str(data["at"]),
                      key_id=str(data["key_id"]), mac=str(data["mac"]))  # fmt: skip
    except (ValueError, KeyError, TypeError):
        return None


def _read(path: Path) -> list[tuple[int, Anchor | None]]:
    """(line number, anchor, or None for a line that is not one)."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as fh:
        return [(number, _parse(line)) for number, line in enumerate(fh, start=1) if line.strip()]


def audit_anchor_write(*, seq: int | None = None, hash_: str | None = None) -> Anchor | None:
    """Append a signed anchor of the chain head (or of the given seq/hash, which verification
    has just checked). Returns None when the head is already the last anchor (nothing new)."""
    key = audit_key()
    if seq is None or hash_ is None:
        head = AuditChainHead.objects.filter(id=1).first()
        seq, hash_ = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    path = anchor_path()
    lines = _read(path)
    last = lines[-1][1] if lines else None
    if last is not None and (last.seq, last.hash) == (seq, hash_):
        return None
    at = timezone.now().isoformat()
    anchor = Anchor(seq=seq, hash=hash_, at=at, key_id=audit_key_id(key),
                    mac=_mac(key, seq=seq, hash_=hash_, at=at))  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_APPEND: every write lands at the end even with several writers; one write per line.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, anchor.as_line().encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    logger.info("audit anchor %s", anchor.as_line().strip())
    return anchor


def _check_anchors(
    anchors: list[tuple[int, Anchor | None]], key: bytes, hashes: dict[int, str]
) -> Iterator[ChainBreak]:
    key_id = audit_key_id(key)
    for number, anchor in anchors:
        where = f"anchor line {number}"
        if anchor is None:
            yield ChainBreak(0, f"{where} is not an anchor (file edited?)")
            continue
        if anchor.key_id != key_id:
            yield ChainBreak(anchor.seq, f"{where} was signed with another audit key (key id "
                                         f"{anchor.key_id!r}, configured {key_id!r})")  # fmt: skip
            continue
        expected = _mac(key, seq=anchor.seq, hash_=anchor.hash, at=anchor.at)
        if not hmac.compare_digest(expected, anchor.mac):
            yield ChainBreak(anchor.seq, f"{where} does not verify (anchor forged or edited)")
            continue
        if anchor.seq == 0:
            continue
        found = hashes.get(anchor.seq)
        if found is None:
            yield ChainBreak(anchor.seq, f"event {anchor.seq}, anchored at {anchor.at}, is gone:"
                                         " the chain was cut back or rewritten")  # fmt: skip
        elif found != anchor.hash:
            yield ChainBreak(
                anchor.seq, f"event {anchor.seq} no longer matches its anchor of {anchor.at}"
            )


def audit_verify_anchored(*, key: bytes | None = None) -> tuple[list[ChainBreak], ChainState]:
    """The chain's own checks, then every anchor in the anchor file against the chain."""
    key = key or audit_key()
    anchors = _read(anchor_path())
    state = ChainState(hashes_at={a.seq: "" for _, a in anchors if a is not None})
    breaks = list(audit_verify(key=key, state=state))
    found = {seq: h for seq, h in (state.hashes_at or {}).items() if h}
    breaks.extend(_check_anchors(anchors, key, found))
    return breaks, state
