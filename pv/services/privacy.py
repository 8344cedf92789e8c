"""The one way text bound for a partner is made safe (DESIGN.md, "Guarantees").

Every partner-facing output (API serializers, pages, CSV, E2B XML, follow-up statuses) asks this
module for a scrubber and runs every string that is not declared safe through it. The scrubber
knows the case member's own Restricted values and every registered member's values (a partner
must not learn another member's name either), read from the vault with purpose "scrubbing".

The matching itself is the pure core `pv.privacy.scrub`; this module only feeds it vault values.
"""

from __future__ import annotations

from collections.abc import Callable

from pv.models import Member
from pv.privacy.scrub import scrub_text
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
