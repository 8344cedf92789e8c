"""Incoming E2B(R3) ICSRs (another sender's cases) -> pv cases, through the case service."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction

from pv.models import Case
from pv.services.cases import case_create
from submissions.e2b import BatchHeader, CaseSnapshot, Code
from submissions.e2b.constants import MEDDRA_OID
from submissions.e2b.document import snapshot_to_document
from submissions.e2b.timefmt import ts_to_datetime

SEX = {"1": "M", "2": "F"}
ROLES = {"1": "suspect", "2": "concomitant", "3": "interacting", "4": "concomitant"}
OUTCOMES = {"0", "1", "2", "3", "4", "5"}


def _as_date(value) -> date | None:
    """A full date, or None for partial/masked dates (pv stores day precision only)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value)
    if len(text) >= 8 and text[:8].isdigit():
        try:
            return datetime.strptime(text[:8], "%Y%m%d").replace(tzinfo=UTC).date()
        except ValueError:
            return None
    return None


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


def _coded(code: Code | None) -> dict:
    if code is None:
        return {}
    meddra = code.system == MEDDRA_OID
    return {
        "code": code.code[:50],
        "term": (code.display or "")[:250],
        "terminology": "MedDRA" if meddra else code.system[:100],
        "terminology_version": code.version[:50],
    }


def drug_rows_from(snapshot: CaseSnapshot) -> list[dict]:
    out = []
    for d in snapshot.drugs:
        dosage = d.dosages[0] if d.dosages else None
        out.append(
            {
                "role": ROLES.get(d.role, "suspect"),
                "name_reported": (
                    d.name or (d.ingredients[0].name if d.ingredients else "unknown")
                )[:250],
                "ingredients": [
                    {
                        "name": i.name,
                        **(
                            {
                                "code": i.code.code,
                                "dictionary": i.code.system,
                                "version": i.code.version,
                            }
                            if i.code
                            else {}
                        ),
                    }
                    for i in d.ingredients
                ],
                "dose_text": (dosage.text if dosage else "")[:100],
                "route": (dosage.route_text if dosage else "")[:50],
                "start_date": _as_date(dosage.start) if dosage else None,
                "stop_date": _as_date(dosage.end) if dosage else None,
                "action_taken": d.action_taken
                if d.action_taken in {"0", "1", "2", "3", "4", "9"}
                else "",
                "indication_reported": (d.indications[0].text if d.indications else "")[:250],
            }
        )
    for drug in out:  # keep only dates the database constraint accepts
        if drug["start_date"] and drug["stop_date"] and drug["stop_date"] < drug["start_date"]:
            drug["stop_date"] = None
    return out


def reaction_rows_from(snapshot: CaseSnapshot) -> list[dict]:
    out = []
    for r in snapshot.reactions:
        out.append(
            {
                "reported_term": (
                    r.reported_term or (r.term.display if r.term else "") or "not reported"
                )[:250],
                **_coded(r.term),
                "onset_date": _as_date(r.onset),
                "outcome": r.outcome if r.outcome in OUTCOMES else "0",
                **{criterion: criterion in r.seriousness for criterion in Case.SERIOUSNESS_FIELDS},
            }
        )
    return out


def instant_of(value) -> datetime | None:
    """C.1.4 / C.1.5 as an instant: the received time and zone when there is one (a date alone
    is its first instant, UTC). The exact text, precision and zone travel in `e2b_document`."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return ts_to_datetime(str(value))


@transaction.atomic
def case_import_snapshot(
    *, snapshot: CaseSnapshot, actor, route: BatchHeader | None = None
) -> tuple[Case, bool]:
    """Create a case from an imported ICSR, or the next version of one imported before.

    Same worldwide case id (C.1.8.1): newer information (C.1.5) or a nullification/amendment
    (C.1.11) becomes a new version; the same message again changes nothing. `route` is the
    batch header it came with (N.1.4 / N.2.r.3: post- or pre-market), kept for re-sending.
    The whole ICSR is kept in `e2b_document`; the columns are pv's working view of it.
    """
    existing = Case.objects.filter(worldwide_case_id=snapshot.case_id, is_latest=True).first()
    if existing is not None:
        return _import_next_version(existing, snapshot, actor, route)
    fields = case_fields_from(snapshot, route)
    case = case_create(
        actor=actor,
        member=None,
        origin=Case.Origin.E2B_IMPORT,
        worldwide_case_id=snapshot.case_id,
        received_at=instant_of(snapshot.first_received) or datetime.now(UTC),
        latest_info_at=instant_of(snapshot.most_recent),
        drugs=drug_rows_from(snapshot),
        reactions=reaction_rows_from(snapshot),
        **fields,
    )
    return case, True


def _import_next_version(
    existing: Case, snapshot: CaseSnapshot, actor, route: BatchHeader | None
) -> tuple[Case, bool]:
    from pv.services.cases import case_version_create  # noqa: PLC0415

    newer = (instant_of(snapshot.most_recent) or existing.latest_info_at) > existing.latest_info_at
    if snapshot.nullification is not None and snapshot.nullification.code == "1":
        if existing.status == Case.Status.NULLIFIED:
            return existing, False
        kind, reason = "nullification", snapshot.nullification.reason or "nullified by sender"
    elif snapshot.nullification is not None and snapshot.nullification.code == "2":
        kind, reason = "amendment", snapshot.nullification.reason or "amended by sender"
        if existing.amendment_reason == reason and not newer:
            return existing, False
    elif newer:
        kind, reason = "followup", "follow-up information from the sender (E2B import)"
    else:
        return existing, False
    case = case_version_create(
        actor=actor,
        case=existing,
        kind=kind,
        reason=reason,
        changes=case_fields_from(snapshot, route),
        drugs=drug_rows_from(snapshot),
        reactions=reaction_rows_from(snapshot),
        # The sender's C.1.5, not the time pv imported it.
        latest_info_at=instant_of(snapshot.most_recent) if kind == "followup" else None,
    )
    return case, True


def case_fields_from(snapshot: CaseSnapshot, route: BatchHeader | None = None) -> dict:
    """The case columns pv derives from an ICSR, plus the ICSR itself (`e2b_document`)."""
    return {**case_columns_from(snapshot), "e2b_document": snapshot_to_document(snapshot, route)}


def case_columns_from(snapshot: CaseSnapshot) -> dict:
    """pv's working view of an ICSR's case-level data (what reviewers see and edit)."""
    source = next((s for s in snapshot.primary_sources if s.regulatory), None) or (
        snapshot.primary_sources[0] if snapshot.primary_sources else None
    )
    patient = snapshot.patient
    age = patient.age
    fields = {
        "report_type": snapshot.report_type
        if snapshot.report_type in {"1", "2", "3", "4"}
        else "4",
        "patient_sex": SEX.get(patient.sex, "U"),
        "patient_age": _decimal(age.value) if age else None,
        "patient_age_unit": (age.unit if age else "a")[:10],
        "patient_age_group": patient.age_group[:1],
        "patient_weight_kg": _decimal(patient.weight_kg),
        "medical_history": [h.term.display or h.term.code for h in patient.medical_history],
        "reporter_qualification": source.qualification
        if source and source.qualification in {"1", "2", "3", "4", "5"}
        else "5",
        "reporter_country": (source.country if source else "")[:2],
        "narrative": snapshot.narrative,
        "reporter_comments": snapshot.reporter_comments,
    }
    for criterion in Case.SERIOUSNESS_FIELDS:
        fields[criterion] = any(criterion in r.seriousness for r in snapshot.reactions)
    return fields
