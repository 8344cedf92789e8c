"""Case (ICSR) writes. Nothing else saves a Case, CaseDrug or CaseReaction.

Every change is a new version row (the old one is kept, never edited), audited in the same
transaction with a before/after snapshot.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from pv.audit import audit_record
from pv.core.exceptions import DomainError
from pv.models import Case, CaseDrug, CaseReaction, Member
from pv.selectors import case_snapshot
from pv.services.privacy import intake_scrubber, minimise

CASE_FIELDS = {
    "report_type",
    "patient_age",
    "patient_age_unit",
    "patient_age_group",
    "patient_sex",
    "patient_weight_kg",
    "medical_history",
    "reporter_qualification",
    "reporter_country",
    *Case.SERIOUSNESS_FIELDS,
    "narrative",
    "reporter_comments",
    "sender_comments",
    "assessments",
    "e2b_document",
}
# WHO-UMC causality categories (the Uppsala Monitoring Centre's system), in E2B G.k.9.i.2.r.3.
WHO_UMC = (
    "Certain",
    "Probable/Likely",
    "Possible",
    "Unlikely",
    "Conditional/Unclassified",
    "Unassessable/Unclassifiable",
)
DRUG_FIELDS = {f.name for f in CaseDrug._meta.concrete_fields} - {
    "id",
    "case",
    "created_at",
    "updated_at",
    "position",
}
REACTION_FIELDS = {f.name for f in CaseReaction._meta.concrete_fields} - {
    "id",
    "case",
    "created_at",
    "updated_at",
    "position",
}


# What a case may store as given: codes, ids, dates and enums. Every other string a reviewer
# (or a service building a case from what a member wrote) puts into a case is minimised first:
# a narrative quoting the member, a drug route holding a phone number ("oral 555 ..."). Imported
# ICSRs keep what their sender sent (lossless), and partners get them through the
# partner-output path like every other case.
CASE_SAFE = frozenset(
    {
        "report_type",
        "patient_age_unit",
        "patient_age_group",
        "patient_sex",
        "reporter_qualification",
        "reporter_country",
        "role",
        "action_taken",
        "dose_unit",
        "start_date",
        "stop_date",
        "ingredients.code",
        "ingredients.dictionary",
        "ingredients.version",
        "indication_code",
        "code",
        "pt_code",
        "terminology",
        "terminology_version",
        "onset_date",
        "outcome",
        "assessments",  # positions and WHO-UMC categories, validated by _clean_assessments
    }
)


def _minimise_case_input(*, actor, member: Member | None, origin: str, **parts: Any) -> dict:
    if origin == Case.Origin.E2B_IMPORT:
        return parts
    scrub = intake_scrubber(member=member, actor=actor)
    return {key: minimise(value, scrub=scrub, safe=CASE_SAFE) for key, value in parts.items()}


def minimum_criteria(*, case: Case) -> dict[str, bool]:
    """The four minimum criteria for a valid ICSR (DESIGN.md: regulatory rules)."""
    return {
        # A registered member can be contacted by the platform: an identifiable reporter.
        # An imported ICSR names its primary source (C.2.r) even when masked.
        "reporter": case.member_id is not None or case.origin == Case.Origin.E2B_IMPORT,
        "patient": bool(
            case.patient_age is not None
            or case.patient_age_group
            or case.patient_sex in (Case.Sex.MALE, Case.Sex.FEMALE)
        ),
        "product": case.drugs.filter(
            role__in=[CaseDrug.Role.SUSPECT, CaseDrug.Role.INTERACTING]
        ).exists(),
        "event": case.reactions.exists(),
    }


def _new_case_ids(country: str) -> tuple[str, str]:
    sender = settings.PV_SENDER_ID
    number = secrets.token_hex(5).upper()
    report_id = f"{(country or 'XX').upper()}-{sender}-{number}"
    # First version: worldwide case id is the sender's own id (C.1.8.1 = C.1.1).
    return report_id, report_id


def _clean_children(rows: list[dict], allowed: set[str], label: str) -> list[dict]:
    cleaned = []
    for index, row in enumerate(rows):
        unknown = set(row) - allowed
        if unknown:
            raise DomainError(
                f"Unknown {label} field(s): {', '.join(sorted(unknown))}.",
                code="invalid",
                extra={"fields": {f"{label}s[{index}]": sorted(unknown)}},
            )
        cleaned.append(dict(row))
    return cleaned


def _clean_assessments(items, *, drugs: int, reactions: int) -> list[dict]:
    """Causality assessments of drug-reaction pairs (positions of this version), WHO-UMC."""
    if not isinstance(items, list):
        raise DomainError("assessments must be a list.", code="invalid")
    cleaned, seen = [], set()
    for index, item in enumerate(items):
        try:
            drug, reaction = int(item["drug"]), int(item["reaction"])
            result = str(item["result"])
        except (KeyError, TypeError, ValueError):
            raise DomainError(
                "Each assessment needs drug, reaction (positions) and result.",
                code="invalid",
                extra={"fields": {f"assessments[{index}]": ["drug, reaction, result"]}},
            ) from None
        if not (1 <= drug <= drugs and 1 <= reaction <= reactions) or result not in WHO_UMC:
            raise DomainError(
                f"Assessment {index + 1}: no such drug/reaction, or not a WHO-UMC category.",
                code="invalid",
                extra={"allowed": list(WHO_UMC)},
            )
        if (drug, reaction) in seen:
            continue
        seen.add((drug, reaction))
        cleaned.append(
            {"drug": drug, "reaction": reaction, "result": result, "method": "WHO-UMC",
             "source": "sender"}
        )  # fmt: skip
    return cleaned


def _write_children(case: Case, drugs: list[dict], reactions: list[dict]) -> None:
    drug_rows = [CaseDrug(case=case, position=i, **d) for i, d in enumerate(drugs, start=1)]
    reaction_rows = [
        CaseReaction(case=case, position=i, **r) for i, r in enumerate(reactions, start=1)
    ]
    for row in (*drug_rows, *reaction_rows):
        row.full_clean(exclude=["case"])
    CaseDrug.objects.bulk_create(drug_rows)
    CaseReaction.objects.bulk_create(reaction_rows)


def _age_from_member(member: Member | None, on: date) -> int | None:
    return on.year - member.birth_year if member and member.birth_year else None


def _schedule_routing(case: Case) -> None:
    """After commit, route the version to its recipients. Routing is the submissions app's: it
    registers how (`case_routing_register`, from its AppConfig.ready), as pv is the ground floor
    and imports no app above it. Unrouted versions are also found by the outbox sweeper."""
    if _route_after_commit is not None:
        _route_after_commit(str(case.id))


_route_after_commit: Callable[[str], None] | None = None


def case_routing_register(route_after_commit: Callable[[str], None]) -> None:
    """Set once at start-up by the app that routes cases (submissions)."""
    global _route_after_commit  # noqa: PLW0603 (one hook, set once at start-up)
    _route_after_commit = route_after_commit


def _mark_day_zero(case: Case, today: date) -> None:
    if case.day_zero is None and all(minimum_criteria(case=case).values()):
        Case.objects.filter(pk=case.pk).update(day_zero=today)
        case.day_zero = today


@transaction.atomic
def case_create(
    *,
    actor,
    member: Member | None,
    drugs: list[dict],
    reactions: list[dict],
    received_at=None,
    latest_info_at=None,
    origin: str = Case.Origin.COMMUNITY,
    worldwide_case_id: str = "",
    source_posts=(),
    source_reports=(),
    **fields: Any,
) -> Case:
    unknown = set(fields) - CASE_FIELDS
    if unknown:
        raise DomainError(f"Unknown case field(s): {', '.join(sorted(unknown))}.", code="invalid")
    drugs = _clean_children(drugs, DRUG_FIELDS, "drug")
    reactions = _clean_children(reactions, REACTION_FIELDS, "reaction")
    cleaned = _minimise_case_input(
        actor=actor, member=member, origin=origin, fields=fields, drugs=drugs, reactions=reactions
    )
    fields, drugs, reactions = cleaned["fields"], cleaned["drugs"], cleaned["reactions"]
    now = timezone.now()
    if member is None and origin == Case.Origin.COMMUNITY:
        raise DomainError("A community case needs its reporting member.", code="member_required")
    country = fields.get("reporter_country") or (member.country if member else "")
    report_id, worldwide_id = _new_case_ids(country)
    defaults = {
        # D.7: the conditions the member lists in their profile are relevant medical history.
        "medical_history": list(member.conditions) if member else [],
        "patient_sex": member.sex if member else Case.Sex.UNKNOWN,
        "patient_age": _age_from_member(member, now.date()),
        "reporter_country": member.country if member else "",
    }
    case = Case(
        origin=origin,
        # An imported case keeps the worldwide id its first sender gave it (C.1.8.1).
        worldwide_case_id=worldwide_case_id or worldwide_id,
        sender_report_id=report_id,
        member=member,
        received_at=received_at or now,
        latest_info_at=latest_info_at or received_at or now,
        created_by=actor if getattr(actor, "pk", None) else None,
        **{**defaults, **fields},
    )
    case.full_clean(exclude=["created_by", "member"])
    case.save()
    _write_children(case, drugs, reactions)
    case.source_posts.set(source_posts)
    case.source_reports.set(source_reports)
    # Day 0: the organisation had all four criteria when it first received the report. An
    # imported ICSR's C.1.4 is its first sender's date; pv itself received it today.
    received = now if origin == Case.Origin.E2B_IMPORT else case.received_at
    _mark_day_zero(case, received.date())
    audit_record(actor=actor, action="case.created", obj=case, after=case_snapshot(case=case))
    _schedule_routing(case)
    return case


@transaction.atomic
def case_version_create(
    *,
    actor,
    case: Case,
    reason: str,
    kind: str = "followup",
    changes: dict[str, Any] | None = None,
    drugs: list[dict] | None = None,
    reactions: list[dict] | None = None,
    source_posts=(),
    source_reports=(),
    latest_info_at=None,
) -> Case:
    """A new version of `case`: follow-up information (restarts the clock), an amendment, or a
    nullification (C.1.11.1 = 1; the case is void from this version on)."""
    if kind not in {"followup", "amendment", "nullification"}:
        raise DomainError("kind must be followup, amendment or nullification.", code="invalid")
    if not reason.strip():
        raise DomainError("A new case version needs a reason.", code="reason_required")
    if case.status == Case.Status.NULLIFIED:
        # C.1.11.1 = 1 voids the case for good: corrections or new information make a new case.
        raise DomainError(
            "This case was nullified; nothing but a new case can follow a nullification.",
            code="case_nullified",
            extra={"worldwide_case_id": case.worldwide_case_id},
        )
    if kind == "nullification" and (changes or drugs is not None or reactions is not None):
        raise DomainError(
            "A nullification voids the case as it stands; it carries a reason, not changes.",
            code="invalid",
            extra={"fields": {"kind": ["nullification takes only a reason"]}},
        )
    changes = dict(changes or {})
    unknown = set(changes) - CASE_FIELDS
    if unknown:
        raise DomainError(f"Unknown case field(s): {', '.join(sorted(unknown))}.", code="invalid")
    cleaned = _minimise_case_input(
        actor=actor,
        member=case.member,
        origin=case.origin,
        changes=changes,
        drugs=drugs,
        reactions=reactions,
        reason=reason,
    )
    changes, drugs, reactions = cleaned["changes"], cleaned["drugs"], cleaned["reactions"]
    reason = cleaned["reason"]
    # Claim "latest" atomically so two reviewers cannot both extend the same version.
    claimed = Case.objects.filter(pk=case.pk, is_latest=True).update(is_latest=False)
    if claimed != 1:
        raise DomainError(
            "This is not the latest version of the case.",
            code="stale_version",
            extra={"case": str(case.pk)},
        )
    before = case_snapshot(case=case)
    old_drugs = _child_rows(case.drugs.all(), DRUG_FIELDS)
    old_reactions = _child_rows(case.reactions.all(), REACTION_FIELDS)
    if "assessments" in changes:
        changes["assessments"] = _clean_assessments(
            changes["assessments"],
            drugs=len(drugs) if drugs is not None else len(old_drugs),
            reactions=len(reactions) if reactions is not None else len(old_reactions),
        )
    now = timezone.now()
    copied = {f: getattr(case, f) for f in CASE_FIELDS}
    new = Case(
        worldwide_case_id=case.worldwide_case_id,
        sender_report_id=case.sender_report_id,
        version=case.version + 1,
        predecessor=case,
        is_latest=True,
        status=Case.Status.NULLIFIED if kind == "nullification" else case.status,
        received_at=case.received_at,
        day_zero=case.day_zero,
        # Follow-up information is new information: C.1.5 moves and the clock restarts.
        # An amendment corrects what was already known and keeps the clock.
        # An imported follow-up brings its sender's C.1.5 (`latest_info_at`).
        latest_info_at=(latest_info_at or now) if kind == "followup" else case.latest_info_at,
        member=case.member,
        origin=case.origin,
        created_by=actor if getattr(actor, "pk", None) else None,
        amendment_reason=reason if kind in ("amendment", "nullification") else "",
        **{**copied, **changes},
    )
    new.full_clean(exclude=["created_by", "predecessor", "member"])
    new.save()
    _write_children(
        new,
        _clean_children(drugs, DRUG_FIELDS, "drug") if drugs is not None else old_drugs,
        _clean_children(reactions, REACTION_FIELDS, "reaction")
        if reactions is not None
        else old_reactions,
    )
    new.source_posts.set([*case.source_posts.all(), *source_posts])
    new.source_reports.set([*case.source_reports.all(), *source_reports])
    _mark_day_zero(new, now.date())
    audit_record(
        actor=actor,
        action=f"case.{kind}",
        obj=new,
        before=before,
        after=case_snapshot(case=new),
        reason=reason,
    )
    _schedule_routing(new)
    return new


def _child_rows(rows, fields: set[str]) -> list[dict]:
    return [{f: getattr(row, f) for f in fields} for row in rows]


@transaction.atomic
def case_set_status(*, actor, case: Case, status: str, reason: str = "") -> Case:
    if status not in Case.Status.values:
        raise DomainError(f"Unknown case status {status!r}.", code="invalid")
    if status == Case.Status.NULLIFIED:
        # Recipients must be told: nullification is a new version (case_version_create).
        raise DomainError("Nullify a case with a nullification version.", code="use_nullification")
    before = {"status": case.status}
    Case.objects.filter(pk=case.pk).update(status=status, updated_at=timezone.now())
    case.refresh_from_db()
    audit_record(
        actor=actor,
        action="case.status_changed",
        obj=case,
        before=before,
        after={"status": status},
        reason=reason,
    )
    return case
