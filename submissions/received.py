"""Re-sending an imported case: what it received, plus what reviewers changed since.

An imported case keeps the whole ICSR it came as (`Case.e2b_document`); its columns and drug
and reaction rows are pv's working view, derived from the document by the importer. On export
the document is the base; each column, and each field of a drug or reaction row, that a
reviewer changed (it no longer equals what the importer derived) replaces the elements it maps
to, and rows a reviewer added are added. What pv
writes as the new sender (C.1.1, C.1.2, C.3, N.*) and the version kind (C.1.11) are pv's.
"""

from __future__ import annotations

import copy
import dataclasses

from pv.models import Case, CaseDrug, CaseReaction
from submissions.e2b import BatchHeader, CaseSnapshot, Drug, Reaction
from submissions.e2b.constants import NULL_FLAVORS
from submissions.e2b.document import route_from_document, snapshot_from_document
from submissions.importer import case_columns_from, drug_rows_from, instant_of, reaction_rows_from

PATIENT_COLUMNS = {
    "patient_sex": "sex",
    "patient_age": "age",
    "patient_age_unit": "age",
    "patient_age_group": "age_group",
    "patient_weight_kg": "weight_kg",
    "medical_history": "medical_history_text",
}


def received_route(*, case: Case) -> BatchHeader | None:
    if not case.e2b_document:
        return None
    return route_from_document(case.e2b_document)


def _changed(row, derived: dict, model) -> set[str]:
    """The row's fields that no longer hold what the importer derived from the document (a
    field the importer does not fill counts as changed once it leaves its default)."""
    out = set()
    for field in model._meta.concrete_fields:
        name = field.name
        if name in _NOT_DATA:
            continue
        expected = derived[name] if name in derived else field.get_default()
        if getattr(row, name) != expected:
            out.add(name)
    return out


_NOT_DATA = {"id", "case", "created_at", "updated_at", "position", "product"}


def _drug(received: Drug, changed: set[str], mine: Drug) -> Drug:
    """The received drug with the fields a reviewer changed taken from pv's view of the row."""
    drug = copy.deepcopy(received)
    if "role" in changed:
        drug.role = mine.role
    if "name_reported" in changed:
        drug.name = mine.name
    if "ingredients" in changed:
        drug.ingredients = mine.ingredients
    if "action_taken" in changed:
        drug.action_taken = mine.action_taken
    if changed & {"indication_reported", "indication_code"}:
        drug.indications = mine.indications
    dosage_fields = {"dose_text", "dose_value", "dose_unit", "route", "start_date", "stop_date"}
    if changed & dosage_fields:
        if not drug.dosages or not mine.dosages:
            drug.dosages = mine.dosages
        else:
            first, theirs = drug.dosages[0], mine.dosages[0]
            for column, attr in (
                ("dose_text", "text"),
                ("route", "route_text"),
                ("start_date", "start"),
                ("stop_date", "end"),
            ):
                if column in changed:
                    setattr(first, attr, getattr(theirs, attr))
            if changed & {"dose_value", "dose_unit"}:
                first.dose = theirs.dose
    return drug


# E.i.2.1 is the code in its terminology; term, pt and soc are its labels and hierarchy.
_TERM_FIELDS = {"code", "terminology", "terminology_version"}


def _reaction(received: Reaction, changed: set[str], mine: Reaction) -> Reaction:
    reaction = copy.deepcopy(received)
    if "reported_term" in changed:
        reaction.reported_term = mine.reported_term
    if changed & _TERM_FIELDS:
        reaction.term = mine.term
    if "onset_date" in changed:
        reaction.onset = mine.onset
    if "outcome" in changed:
        reaction.outcome = mine.outcome
    if changed & set(Case.SERIOUSNESS_FIELDS):
        reaction.seriousness = mine.seriousness
    return reaction


def _merge(received: list, derived: list[dict], rows: list, mine: list, model, apply) -> list:
    """Per position: the received item with the reviewer's changes of its row applied; rows
    a reviewer added are pv's own items."""
    out = []
    for index, (row, item) in enumerate(zip(rows, mine, strict=True)):
        if index < len(received) and index < len(derived):
            out.append(apply(received[index], _changed(row, derived[index], model), item))
        else:
            out.append(item)
    return out


def received_snapshot(*, case: Case, pv_view: CaseSnapshot) -> CaseSnapshot:
    """The snapshot to send for an imported case version (`pv_view`: built from its rows)."""
    received, _route = snapshot_from_document(case.e2b_document)
    derived = case_columns_from(received)
    changed = {f for f, value in derived.items() if getattr(case, f) != value}
    patient = received.patient
    # D.1 by policy: whatever the sender wrote (initials, or worse a name) leaves pv as MSK;
    # a nullFlavor stays (FDA wants NA when there is no patient).
    if patient.initials not in NULL_FLAVORS:
        patient.initials = "MSK"
    for column in changed & PATIENT_COLUMNS.keys():
        attr = PATIENT_COLUMNS[column]
        setattr(patient, attr, getattr(pv_view.patient, attr))
    if changed & {"reporter_qualification", "reporter_country"} and received.primary_sources:
        source = next(
            (s for s in received.primary_sources if s.regulatory), received.primary_sources[0]
        )
        source.qualification = case.reporter_qualification
        source.country = case.reporter_country
    for attr in ("report_type", "narrative", "reporter_comments"):
        if attr in changed:
            setattr(received, attr, getattr(pv_view, attr))
    received.drugs = _merge(
        received.drugs,
        drug_rows_from(received),
        list(case.drugs.all()),
        pv_view.drugs,
        CaseDrug,
        _drug,
    )
    received.reactions = _merge(
        received.reactions,
        reaction_rows_from(received),
        list(case.reactions.all()),
        pv_view.reactions,
        CaseReaction,
        _reaction,
    )
    if case.received_at != instant_of(received.first_received):
        received.first_received = pv_view.first_received
    if case.latest_info_at != instant_of(received.most_recent):
        received.most_recent = pv_view.most_recent
    return dataclasses.replace(
        received,
        safety_report_id=pv_view.safety_report_id,
        created_at=pv_view.created_at,
        sender=pv_view.sender,
        nullification=pv_view.nullification,
        message_id="",
        restricted_values=pv_view.restricted_values,
    )
