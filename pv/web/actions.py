"""Page actions that combine existing services in one transaction. No model is written here.

Attaching a queue item to an existing case as follow-up has no single service yet: it is a new
follow-up version of the case with the post/report as a source (the case service), and the
queue item closed with a reason naming the case (the triage service). Both or neither.
"""

from __future__ import annotations

from django.db import transaction

from intake.models import TriageItem
from intake.services.triage import triage_item_reject
from pv.core.exceptions import DomainError
from pv.models import Case, User
from pv.services.cases import case_version_create
from pv.web.selectors import source_of


@transaction.atomic
def triage_item_attach_followup(*, actor: User, item: TriageItem, case: Case) -> Case:
    source = source_of(item)
    if case.member_id is None or case.member_id != source.member_id:
        raise DomainError(
            "Only a case of the same member can take this as follow-up.", code="other_member"
        )
    if not case.is_latest:
        raise DomainError("Attach to the latest version of the case.", code="stale_version")
    label = f"{item.get_source_display().lower()} {source.source_id}"
    # The triage decision first: it fails fast when another reviewer holds the item.
    triage_item_reject(
        actor=actor,
        item=item,
        reason=f"Attached as follow-up information to case {case.worldwide_case_id}.",
    )
    return case_version_create(
        actor=actor,
        case=case,
        kind="followup",
        reason=f"Follow-up information from {label}",
        source_posts=[source] if item.source == TriageItem.Source.POST else (),
        source_reports=[source] if item.source == TriageItem.Source.REPORT else (),
    )
