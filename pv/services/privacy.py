"""The one way text bound for a partner, or stored at intake, is made safe (DESIGN.md,
"Guarantees": allow-list output, minimise at the door).

Every partner-facing output (API serializers, pages, CSV, E2B XML, follow-up statuses) asks
`partner_scrubber` for a function and runs every string that is not declared safe through it;
intake asks `intake_scrubber` before it stores a post, report or answer. Both share one
mechanism, the pure core `pv.privacy.scrub.scrub_text`, fed with:

- the member's own Restricted values (an audited vault read, purpose "scrubbing"): their name
  parts alone match too, as members sign with a first name;
- every registered member's values (`known_members`): full names in any order and spelling,
  emails, phones. Read from the vault once per process with ONE audit event, kept in memory as
  an Aho-Corasick automaton, and brought up to date when a member registers or changes their
  identity: each call reads a version counter the vault bumps on every write (one primary-key
  read); identities stored or changed since the full build go into a small second layer, and
  a large second layer rebuilds all;
- contact patterns, exact birth dates (reduced to the year) and third parties' names.

A changed identity's old values stay known until the next full rebuild, and so do a deleted
member's (nothing in pv deletes identities today): they are still redacted, the safe side.

`partner_output` runs a whole structure (plain dicts, lists, dataclasses) through the partner
scrubber, every string unless its path is declared safe (the pure walker
`pv.privacy.tree.scrub_tree`); `minimise` does the same with the intake scrubber before
anything is stored, so the vault stays the only place Restricted values exist.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from pv.models import Member
from pv.privacy.known import KnownLayers, KnownValues
from pv.privacy.scrub import scrub_text
from pv.privacy.tree import scrub_tree
from pv.vault import (
    vault_identities_for_scrubbing,
    vault_identities_version,
    vault_restricted_values,
    vault_restricted_values_many,
)

Scrubber = Callable[[str], str]

# Above this many new or changed identities since the full build, rebuild everything (the
# second layer is matched with its own automaton; keeping it small keeps it cheap to rebuild).
DELTA_LIMIT = 5000
# A writer's updated_at is taken before its commit, so a row can become visible with a time
# a little before the latest one already read: second-layer reads look back this far.
COMMIT_MARGIN = timedelta(minutes=10)


@dataclass
class _KnownCache:
    version: int | None = None
    base: KnownValues | None = None
    base_read_at: datetime | None = None
    # Values read since the full build, old ones kept: a changed name stays redacted.
    delta_values: set[tuple[str, ...]] = field(default_factory=set)
    known: KnownLayers | None = None


_cache = _KnownCache()
_lock = threading.Lock()


def known_members(*, actor=None) -> KnownLayers:
    """Every registered member's values as one matcher, current as of this call."""
    version = vault_identities_version()
    # The build is recorded against a saved account, else as the system (an unsaved or
    # anonymous caller cannot be an audit actor).
    state = getattr(actor, "_state", None)
    if state is not None and state.adding:
        actor = None
    with _lock:
        if _cache.known is not None and _cache.version == version:
            return _cache.known
        region = settings.PV_PHONE_REGION
        read_at = timezone.now()
        delta = None
        if _cache.base is not None and _cache.base_read_at is not None:
            since = _cache.base_read_at - COMMIT_MARGIN
            changed = vault_identities_for_scrubbing(actor=actor or "system", since=since)
            _cache.delta_values.update(tuple(i.values()) for i in changed)
            if len(_cache.delta_values) <= DELTA_LIMIT:
                delta = KnownValues.build(sorted(_cache.delta_values), default_region=region)
        if delta is None:
            identities = vault_identities_for_scrubbing(actor=actor or "system")
            _cache.base = KnownValues.build([i.values() for i in identities], default_region=region)
            _cache.base_read_at = read_at
            _cache.delta_values = set()
        _cache.version = version
        _cache.known = KnownLayers(_cache.base, delta)
        return _cache.known


def known_members_forget() -> None:
    """Drop the in-memory automaton (tests; a key rotation): the next call reads the vault."""
    with _lock:
        _cache.version = _cache.base = _cache.base_read_at = _cache.known = None
        _cache.delta_values = set()


def _scrubbing(own: list[str], known: KnownLayers) -> Scrubber:
    """One string scrubbed with a member's own values and every member's automaton."""

    def scrub(text: str) -> str:
        return scrub_text(text, own, known=known) if text else text

    return scrub


def _scrubber(*, member: Member | None, actor) -> Scrubber:
    own = vault_restricted_values(member=member, actor=actor) if member is not None else []
    return _scrubbing(own, known_members(actor=actor))


def partner_scrubber(*, member: Member | None = None, actor=None) -> Scrubber:
    """A function that scrubs one string for a partner: the case member's values (an audited
    vault read), every registered member's values, contact patterns, birth dates and
    third-party names."""
    return _scrubber(member=member, actor=actor)


def intake_scrubber(*, member: Member | None, actor) -> Scrubber:
    """A function that minimises one string before intake stores it: the writing member's own
    values, every registered member's values, contact patterns, birth dates (to the year) and
    third-party names. The same mechanism as `partner_scrubber`, so what intake keeps is what a
    partner may see."""
    return _scrubber(member=member, actor=actor)


def intake_scrubbers(*, members: dict, actor) -> dict:
    """`intake_scrubber` for many members at once ({key: member} -> {key: scrubber}): one vault
    query and one audited read naming them all (a batch of 500 posts from 440 members was 440
    audited reads, each appending to the audit chain under its lock)."""
    own = vault_restricted_values_many(members=members.values(), actor=actor)
    known = known_members(actor=actor)
    return {key: _scrubbing(own.get(member.pk, []), known) for key, member in members.items()}


def partner_text(text: str, *, member: Member | None = None, actor=None) -> str:
    """Scrub one string for a partner (see `partner_scrubber`)."""
    return partner_scrubber(member=member, actor=actor)(text)


def partner_output(
    data: Any,
    *,
    safe: Iterable[str] = (),
    member: Member | None = None,
    actor=None,
    scrub: Scrubber | None = None,
) -> Any:
    """THE partner-output path: `data` (plain dicts/lists/strings) with every string scrubbed
    unless its path is declared safe. Pass `scrub` to reuse one scrubber across many rows."""
    scrub = scrub or partner_scrubber(member=member, actor=actor)
    return scrub_tree(data, scrub=scrub, safe=safe)


def minimise(data: Any, *, scrub: Scrubber, safe: Iterable[str] = ()) -> Any:
    """`data` with every string minimised except under the declared-safe paths (ids, codes,
    dates, enums)."""
    return scrub_tree(data, scrub=scrub, safe=safe)
