"""The one way text bound for a partner is made safe (DESIGN.md, "Guarantees"), and the one way
text is minimised before it is stored.

Every partner-facing output (API serializers, pages, CSV, E2B XML, follow-up statuses) asks this
module for a scrubber and runs every string that is not declared safe through it
(`partner_output`, built on the pure walker `pv.privacy.tree.scrub_tree`). The scrubber knows
the case member's own Restricted values, read from the vault with purpose "scrubbing".

Intake and case writes ask for `intake_scrubber` and run every text field through it before
anything is stored (`minimise`), so the vault stays the only place Restricted values exist.

The matching itself is the pure core `pv.privacy.scrub`; this module only feeds it vault values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from pv.models import Member
from pv.privacy.scrub import scrub_text
from pv.privacy.tree import scrub_tree
from pv.vault import vault_restricted_values

Scrubber = Callable[[str], str]


def partner_scrubber(*, member: Member | None = None, actor=None) -> Scrubber:
    """A function that scrubs one string for a partner: the case member's values (an audited
    vault read), every registered member's values, and contact patterns."""
    own = vault_restricted_values(member=member, actor=actor) if member is not None else []

    def scrub(text: str) -> str:
        return scrub_text(text, own) if text else text

    return scrub


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


def intake_scrubber(*, member: Member | None, actor) -> Scrubber:
    """A function that minimises one string before it is stored: the member's own Restricted
    values (an audited vault read) and contact patterns. Without a member, contact patterns."""
    own = vault_restricted_values(member=member, actor=actor) if member is not None else []

    def scrub(text: str) -> str:
        return scrub_text(text, own) if text else text

    return scrub


def minimise(data: Any, *, scrub: Scrubber, safe: Iterable[str] = ()) -> Any:
    """`data` with every string minimised except under the declared-safe paths (ids, codes,
    dates, enums)."""
    return scrub_tree(data, scrub=scrub, safe=safe)
