"""The triage queue: candidates wait here for a safety reviewer, who claims one, then confirms
it into a case, rejects it with a reason, or asks for more information.

Claims and decisions are conditional updates (Healthchecks-style): two reviewers racing on one
item never both win. A claim lapses after `CLAIM_TTL` so an abandoned item returns to the queue.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from intake.models import AEReport, Mention, MentionPair, Post, ScreeningResult, TriageItem
from intake.queue_terms import queue_terms
from pv.audit import audit_record
from pv.core.awareness import aware_at
from pv.core.exceptions import Conflict, DomainError
from pv.models import Case, User
from pv.services.privacy import intake_scrubber

CLAIM_TTL = timedelta(minutes=30)
SERIOUSNESS = Case.SERIOUSNESS_FIELDS


def _item_fk(kind: str) -> str:
    return "post" if kind == "post" else "report"


def _terms_of(result_ids) -> dict[Any, dict[str, str]]:
    """The queue's filter columns for each screening result, from its mentions (one query)."""
    by_result: dict[Any, list[Mention]] = {r: [] for r in result_ids}
    fields = ("result_id", "kind", "reportable", "code", "term", "text", "pt", "pt_code", "llt")
    for m in (
        Mention.objects.filter(result_id__in=list(by_result))
        .order_by("result_id", "position")
        .only(*fields)
    ):
        by_result[m.result_id].append(m)
    return {r: queue_terms(ms) for r, ms in by_result.items()}


def triage_item_terms_refresh(*, result_id) -> int:
    """After a mention of `result_id` is recoded: the items screened by it (open or decided)
    filter by the new coding. Returns how many items changed."""
    return TriageItem.objects.filter(screening_id=result_id).update(
        **_terms_of([result_id])[result_id]
    )


def triage_items_sync(*, kind: str, results: list[ScreeningResult]) -> int:
    """Put candidate results in the queue; refresh open items with their newest screening.

    Called by screening in its transaction. Items already turned into a case (e.g. a report a
    reviewer confirmed before screening ran) do not enter the queue; decided items keep the
    screening they were decided on.
    """
    if not results:
        return 0
    fk = _item_fk(kind)
    by_item = {getattr(r, f"{fk}_id"): r for r in results}
    existing = {
        getattr(t, f"{fk}_id"): t
        for t in TriageItem.objects.filter(**{f"{fk}_id__in": list(by_item)})
    }
    model: type[Post] | type[AEReport] = Post if kind == "post" else AEReport
    in_cases = set(
        model.objects.filter(id__in=list(by_item), cases__isnull=False).values_list("id", flat=True)
    )
    items_at = dict(
        model.objects.filter(id__in=list(by_item)).values_list(
            "id", "posted_at" if kind == "post" else "submitted_at"
        )
    )
    terms = _terms_of([r.id for r in by_item.values()])
    new = []
    for item_id, result in by_item.items():
        fields = {
            "screening": result,
            "priority": result.priority,
            "is_serious": bool(result.serious),
            "seriousness": result.serious,
            **terms[result.id],
        }
        item = existing.get(item_id)
        if item is not None:
            if item.status in TriageItem.OPEN:
                TriageItem.objects.filter(id=item.id, status__in=TriageItem.OPEN).update(
                    **fields, updated_at=timezone.now()
                )
            continue
        if result.candidate and item_id not in in_cases:
            new.append(
                TriageItem(
                    source=kind, item_at=items_at[item_id], **fields, **{f"{fk}_id": item_id}
                )
            )
    # ignore_conflicts: a concurrent screening of the same item already queued it.
    TriageItem.objects.bulk_create(new, ignore_conflicts=True, batch_size=500)
    return len(new)


def _claim_free(actor: User) -> Q:
    return (
        Q(claimed_by__isnull=True)
        | Q(claimed_by=actor)
        | Q(claimed_at__lt=timezone.now() - CLAIM_TTL)
    )


def _conflict(item: TriageItem, what: str) -> Conflict:
    item.refresh_from_db()
    if item.status not in TriageItem.OPEN:
        return Conflict(
            f"This item was already {item.status}.",
            code="already_decided",
            extra={"status": item.status},
        )
    return Conflict(
        f"Another reviewer is working on this item; cannot {what}.",
        code="claimed_by_other",
        extra={"claimed_by": item.claimed_by.username if item.claimed_by else None},
    )


def triage_item_claim(*, actor: User, item: TriageItem) -> TriageItem:
    now = timezone.now()
    claimed = (
        TriageItem.objects.filter(id=item.id, status__in=TriageItem.OPEN)
        .filter(_claim_free(actor))
        .update(claimed_by=actor, claimed_at=now, updated_at=now)
    )
    if claimed != 1:
        raise _conflict(item, "claim it")
    item.refresh_from_db()
    audit_record(actor=actor, action="triage.claimed", obj=item)
    return item


def triage_item_release(*, actor: User, item: TriageItem) -> TriageItem:
    released = TriageItem.objects.filter(id=item.id, claimed_by=actor).update(
        claimed_by=None, claimed_at=None, updated_at=timezone.now()
    )
    if released != 1:
        raise DomainError("You do not hold a claim on this item.", code="not_claimed")
    item.refresh_from_db()
    audit_record(actor=actor, action="triage.released", obj=item)
    return item


def _decide(*, actor: User, item: TriageItem, status: str, reason: str, what: str) -> TriageItem:
    """Move an open item to `status` if nobody else holds it. Call inside a transaction."""
    before = {"status": item.status}
    if reason:
        # Minimised like everything stored: a reviewer may quote the member's post.
        source = item.post or item.report
        reason = intake_scrubber(member=source.member if source else None, actor=actor)(reason)
    now = timezone.now()
    release = status == TriageItem.Status.NEEDS_INFO
    done = (
        TriageItem.objects.filter(id=item.id, status__in=TriageItem.OPEN)
        .filter(_claim_free(actor))
        .update(
            status=status,
            reason=reason,
            decided_by=actor,
            decided_at=now,
            updated_at=now,
            # Needs-info goes back to the queue for whoever picks it up when the answer comes.
            claimed_by=None if release else actor,
            claimed_at=None if release else now,
        )
    )
    if done != 1:
        raise _conflict(item, what)
    item.refresh_from_db()
    audit_record(
        actor=actor,
        action=f"triage.{status}",
        obj=item,
        before=before,
        after={"status": status, "case": str(item.case_id) if item.case_id else None},
        reason=reason,
    )
    return item


@transaction.atomic
def triage_item_reject(*, actor: User, item: TriageItem, reason: str) -> TriageItem:
    if not reason.strip():
        raise DomainError("A rejection needs a reason.", code="reason_required")
    return _decide(
        actor=actor, item=item, status=TriageItem.Status.REJECTED, reason=reason, what="reject it"
    )


@transaction.atomic
def triage_item_request_info(*, actor: User, item: TriageItem, reason: str) -> TriageItem:
    if not reason.strip():
        raise DomainError("Say what information is needed.", code="reason_required")
    return _decide(
        actor=actor,
        item=item,
        status=TriageItem.Status.NEEDS_INFO,
        reason=reason,
        what="ask for information",
    )


def _drug_row(m: Mention) -> dict:
    ingredients = m.details.get("ingredients") or (
        [{"code": m.code, "term": m.term}] if m.code else []
    )
    return {
        "role": "suspect",
        "name_reported": m.text[:250],
        "ingredients": [
            {
                "name": i["term"],
                "code": i["code"],
                "dictionary": m.terminology,
                "version": m.terminology_version,
            }
            for i in ingredients
        ],
    }


def _reaction_coding(m: Mention) -> dict:
    if not m.code:
        return {}
    return {
        "code": m.llt_code or m.code,
        "term": (m.llt or m.term)[:250],
        "pt_code": m.pt_code,
        "pt": m.pt[:250],
        "soc": m.soc[:250],
        "terminology": m.terminology,
        "terminology_version": m.terminology_version,
    }


def _selected(result: ScreeningResult, mention_ids) -> tuple[list[Mention], list[Mention]]:
    """Suspect drugs and reactions for the case: the reviewer's pick (even an empty one: a
    reviewer who unticks everything chose nothing), else (None) the pipeline's."""
    mentions = list(result.mentions.all())
    if mention_ids is not None:
        wanted = {str(i) for i in mention_ids}
        unknown = wanted - {str(m.id) for m in mentions}
        if unknown:
            raise DomainError(
                "Mentions not in this item.", code="invalid", extra={"mentions": sorted(unknown)}
            )
        chosen = [m for m in mentions if str(m.id) in wanted]
        return (
            [m for m in chosen if m.kind == Mention.Kind.DRUG],
            [m for m in chosen if m.kind == Mention.Kind.EVENT],
        )
    reportable = [m for m in mentions if m.reportable]
    # Uncoded spans are often fragments; the reviewer can still pick them explicitly.
    reactions = [m for m in reportable if m.code] or reportable
    paired = set(
        MentionPair.objects.filter(result=result, event__reportable=True).values_list(
            "drug_id", flat=True
        )
    )
    drugs = [m for m in mentions if m.id in paired or m.role == Mention.Role.SUSPECT]
    return drugs, reactions


def _dedupe(mentions: list[Mention], key) -> list[Mention]:
    seen, out = set(), []
    for m in mentions:
        k = key(m)
        if k not in seen:
            seen.add(k)
            out.append(m)
    return out


@transaction.atomic
def triage_item_confirm(
    *, actor: User, item: TriageItem, mention_ids=None, seriousness: list[str] | None = None
) -> TriageItem:
    """Confirm a candidate: a case with coded suspect drugs and reactions, linked to its source;
    the case service records day 0 once all four criteria are present."""
    from intake.services.intake import case_create_from_report  # noqa: PLC0415
    from pv.services.cases import case_create  # noqa: PLC0415

    item = _decide(
        actor=actor, item=item, status=TriageItem.Status.CONFIRMED, reason="", what="confirm it"
    )
    drugs, reactions = _selected(item.screening, mention_ids)
    if seriousness is not None and set(seriousness) - set(SERIOUSNESS):
        raise DomainError(
            "Unknown seriousness criteria.",
            code="invalid",
            extra={"seriousness": sorted(set(seriousness) - set(SERIOUSNESS))},
        )
    if item.source == TriageItem.Source.REPORT:
        report = item.report
        assert report is not None  # noqa: S101 (the check constraint guarantees it)
        coded_drugs: list[dict] = [{} for _ in report.drugs]
        coded_reactions: list[dict] = [{} for _ in report.events]
        for m in drugs:
            if m.field == Mention.Field.DRUGS and m.field_index is not None and m.code:
                coded_drugs[m.field_index] = {"ingredients": _drug_row(m)["ingredients"]}
        for m in reactions:
            if m.field == Mention.Field.EVENTS and m.field_index is not None:
                coded_reactions[m.field_index] = _reaction_coding(m)
        case = case_create_from_report(
            actor=actor, report=report, coded_drugs=coded_drugs, coded_reactions=coded_reactions
        )
    else:
        post = item.post
        assert post is not None  # noqa: S101 (the check constraint guarantees it)
        drugs = _dedupe(drugs, lambda m: m.code or m.text.lower())
        reactions = _dedupe(reactions, lambda m: m.pt_code or m.text.lower())
        if not drugs or not reactions:
            raise DomainError(
                "A case needs at least one suspect drug and one reaction.", code="incomplete_case"
            )
        serious = seriousness if seriousness is not None else item.screening.serious
        flags: dict[str, Any] = {s: s in serious for s in SERIOUSNESS}
        case = case_create(
            actor=actor,
            member=post.member,
            drugs=[_drug_row(m) for m in drugs],
            reactions=[
                {"reported_term": m.text[:250], **_reaction_coding(m), **flags} for m in reactions
            ],
            # C.1.4 and day 0: when the member wrote it (the platform knew then).
            received_at=aware_at(written_at=post.posted_at, received_at=post.created_at),
            source_posts=[post],
            narrative=post.text,
            **flags,
        )
    TriageItem.objects.filter(id=item.id).update(case=case)
    item.case = case
    audit_record(actor=actor, action="triage.case_linked", obj=item, after={"case": str(case.id)})
    return item


@transaction.atomic
def triage_item_attach_followup(*, actor: User, item: TriageItem, case) -> TriageItem:
    """The item is follow-up information on an existing case of the same member: a follow-up
    version of that case (C.1.5 moves, the clock restarts, submissions follow) with the post or
    report as a source, and the item confirmed and linked to that version."""
    from pv.services.cases import case_version_create  # noqa: PLC0415

    source = item.post if item.source == TriageItem.Source.POST else item.report
    if case.member_id is None or case.member_id != source.member_id:
        raise DomainError(
            "Only a case of the same member can take this as follow-up.", code="other_member"
        )
    if not case.is_latest:
        raise DomainError("Attach to the latest version of the case.", code="stale_version")
    # The triage decision first: it fails fast when another reviewer holds the item.
    item = _decide(
        actor=actor,
        item=item,
        status=TriageItem.Status.CONFIRMED,
        reason=f"Follow-up information to case {case.worldwide_case_id}.",
        what="attach it",
    )
    new = case_version_create(
        actor=actor,
        case=case,
        kind="followup",
        reason=f"Follow-up information from {item.get_source_display().lower()} {source.source_id}",
        source_posts=[source] if item.source == TriageItem.Source.POST else (),
        source_reports=[source] if item.source == TriageItem.Source.REPORT else (),
    )
    TriageItem.objects.filter(id=item.id).update(case=new)
    item.case = new
    audit_record(
        actor=actor,
        action="triage.case_linked",
        obj=item,
        after={"case": str(new.id), "as": "followup"},
    )
    return item
