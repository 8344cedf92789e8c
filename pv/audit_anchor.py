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


def _read(path: Path) -> list[tuple[int, dict | None]]:
    """(line number, parsed line or None when it is not an anchor)."""
    if not path.exists():
        return []
    out: list[tuple[int, dict | None]] = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except ValueError:
                out.append((number, None))
                continue
            out.append((number, data if isinstance(data, dict) else None))
    return out


def _last_anchor(path: Path) -> dict | None:
    lines = _read(path)
    return lines[-1][1] if lines else None


def audit_anchor_write(*, seq: int | None = None, hash_: str | None = None) -> Anchor | None:
    """Append a signed anchor of the chain head (or of the given seq/hash, which verification
    has just checked). Returns None when the head is already the last anchor (nothing new)."""
    key = audit_key()
    if seq is None or hash_ is None:
        head = AuditChainHead.objects.filter(id=1).first()
        seq, hash_ = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    path = anchor_path()
    last = _last_anchor(path)
    if last and last.get("seq") == seq and last.get("hash") == hash_:
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
    anchors: list[tuple[int, dict | None]], key: bytes, state: ChainState
) -> Iterator[ChainBreak]:
    key_id = audit_key_id(key)
    hashes = state.hashes_at or {}
    for number, data in anchors:
        where = f"anchor line {number}"
        try:
            seq, hash_, at = int(data["seq"]), str(data["hash"]), str(data["at"])  # type: ignore[index]
            mac = str(data["mac"])  # type: ignore[index]
        except (KeyError, TypeError, ValueError):
            yield ChainBreak(0, f"{where} is not an anchor (file edited?)")
            continue
        if data.get("key_id") != key_id:  # type: ignore[union-attr]
            yield ChainBreak(seq, f"{where} was signed with another audit key (key id "
                                  f"{data.get('key_id')!r}, configured {key_id!r})")  # type: ignore[union-attr]  # fmt: skip
            continue
        if not hmac.compare_digest(_mac(key, seq=seq, hash_=hash_, at=at), mac):
            yield ChainBreak(seq, f"{where} does not verify (anchor forged or edited)")
            continue
        if seq == 0:
            continue
        found = hashes.get(seq)
        if found is None:
            yield ChainBreak(
                seq, f"event {seq}, anchored at {at}, is gone: the chain was cut back or rewritten"
            )
        elif found != hash_:
            yield ChainBreak(seq, f"event {seq} no longer matches its anchor of {at}: rewritten")


def audit_verify_anchored(*, key: bytes | None = None) -> tuple[list[ChainBreak], ChainState]:
    """The chain's own checks, then every anchor in the anchor file against the chain."""
    key = key or audit_key()
    anchors = _read(anchor_path())
    wanted: dict[int, str] = {}
    for _, data in anchors:
        try:
            wanted[int(data["seq"])] = ""  # type: ignore[index]
        except (KeyError, TypeError, ValueError):
            continue
    state = ChainState(hashes_at=wanted)
    breaks = list(audit_verify(key=key, state=state))
    state.hashes_at = {seq: h for seq, h in wanted.items() if h}
    breaks.extend(_check_anchors(anchors, key, state))
    return breaks, state
