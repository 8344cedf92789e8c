"""Recode a case's reactions in place when the terminology changes under it (a MedDRA upgrade).

A version upgrade is not new information about the case: the reactions keep their reported
terms and get the new release's coding; the case version and its clock stay as they are. The
change is audited per case with the old and new coding of every reaction it touched, the way
safety databases recode on a MedDRA release. What was already sent stays as sent; the next
version sent carries the new coding.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from pv.audit import audit_record
from pv.models import Case, CaseReaction

RECODED_FIELDS = ("code", "term", "pt_code", "pt", "soc", "terminology", "terminology_version")


def _coding(reaction: CaseReaction) -> dict:
    return {f: getattr(reaction, f) for f in RECODED_FIELDS}


@dataclass(frozen=True)
class Recoded:
    """What a recode did: how many reactions changed and, when it ran, what the after-recode
    hook did to the case's held submissions (`held` is None when nothing changed, so nothing
    was re-evaluated)."""

    changed: int
    held: dict | None = None

    @property
    def released(self) -> int:
        return (self.held or {}).get("released", 0)


@transaction.atomic
def case_reactions_recode(*, actor, case: Case, recodes: dict, reason: str) -> Recoded:
    """Apply `recodes` ({reaction id: new coding dict with RECODED_FIELDS and `mapping`}) to
    `case`'s reactions; one audit event per case. Returns how many reactions changed and the
    after-recode hook's result ({"released": n, "still_held": n} for held submissions)."""
    changes = []
    for reaction in case.reactions.filter(id__in=list(recodes)).order_by("position"):
        new = recodes[reaction.id]
        before = _coding(reaction)
        after = {f: str(new.get(f, before[f]) or "")[:250] for f in RECODED_FIELDS}
        if after == before:
            continue
        CaseReaction.objects.filter(id=reaction.id).update(**after)
        changes.append(
            {"reaction": str(reaction.id), "reported_term": reaction.reported_term,
             "before": before, "after": after, "mapping": new.get("mapping", {})}
        )  # fmt: skip
    if not changes:
        return Recoded(changed=0)
    audit_record(
        actor=actor,
        action="case.recoded",
        obj=case,
        before={"reactions": [c["before"] for c in changes]},
        after={"reactions": changes},
        reason=reason,
    )
    held = None
    if _after_recode is not None:  # e.g. release submissions held for want of coding
        held = _after_recode(case=case, actor=actor)
    return Recoded(changed=len(changes), held=held)


_after_recode: Callable[..., dict] | None = None


def case_recoded_register(after_recode: Callable[..., dict]) -> None:
    """Set once at start-up by the app that holds submissions for coding (submissions): called
    as `after_recode(case=..., actor=...)` inside the recode's transaction; it returns what it
    did ({"released": n, "still_held": n}), which the recode hands back to its caller."""
    global _after_recode  # noqa: PLW0603 (one hook, set once at start-up)
    _after_recode = after_recode
