"""A reviewer accepts a mention's coding or overrides it from the active dictionary (audited)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from coding.selectors import concept_get, dictionary_get_active
from intake.models import Mention
from intake.services.triage import triage_item_terms_refresh
from pv.audit import audit_record
from pv.core.exceptions import DomainError
from pv.models import User

_CODING_FIELDS = (
    "code", "term", "llt", "llt_code", "pt", "pt_code", "hlt", "hlt_code", "hlgt", "hlgt_code",
    "soc", "soc_code", "terminology", "terminology_version",
)  # fmt: skip


_MAX_LENGTH = {f.name: f.max_length for f in Mention._meta.concrete_fields if f.max_length}


def _coding_of(mention: Mention) -> dict:
    out = {f: getattr(mention, f) for f in _CODING_FIELDS}
    if mention.kind == Mention.Kind.DRUG:
        out["details"] = mention.details
    return out


@transaction.atomic
def mention_coding_accept(*, actor: User, mention: Mention) -> Mention:
    """A reviewer agrees with the pipeline's coding."""
    if not mention.code:
        raise DomainError(
            "This mention has no coding to accept; override it with a code.", code="uncoded"
        )
    now = timezone.now()
    Mention.objects.filter(id=mention.id).update(
        coding_status=Mention.CodingStatus.ACCEPTED, coded_by=actor, coded_at=now, updated_at=now
    )
    mention.refresh_from_db()
    audit_record(
        actor=actor, action="mention.coding_accepted", obj=mention, after=_coding_of(mention)
    )
    return mention


@transaction.atomic
def mention_coding_override(
    *, actor: User, mention: Mention, code: str, dictionary=None, reason: str = ""
) -> Mention:
    """A reviewer codes a mention to another concept of the active (or a chosen) dictionary."""
    dictionary = dictionary or dictionary_get_active(kind=mention.kind)
    if dictionary.kind != mention.kind:
        raise DomainError(
            f"A {mention.kind} mention needs a {mention.kind} dictionary.", code="invalid"
        )
    concept = concept_get(dictionary=dictionary, code=code)
    before = _coding_of(mention)
    fields = {f: str(concept.get(f) or "") for f in _CODING_FIELDS}
    if mention.kind == Mention.Kind.DRUG:
        fields["details"] = concept.get("details", {})
    for name, value in fields.items():
        if isinstance(value, str):
            fields[name] = value[: _MAX_LENGTH[name]]
    now = timezone.now()
    Mention.objects.filter(id=mention.id).update(
        **fields,
        coding_status=Mention.CodingStatus.OVERRIDDEN,
        coded_by=actor,
        coded_at=now,
        updated_at=now,
    )
    # The queue filters by coding: the items screened by this result read the new one.
    triage_item_terms_refresh(result_id=mention.result_id)
    mention.refresh_from_db()
    audit_record(
        actor=actor,
        action="mention.coding_overridden",
        obj=mention,
        before=before,
        after=_coding_of(mention),
        reason=reason,
    )
    return mention
