"""Re-sending an imported case: what it received, plus what reviewers changed since.

An imported case keeps the whole ICSR it came as (`Case.e2b_document`); its columns and drug
and reaction rows are pv's working view, derived from the document by the importer. On export
the document is the base, and each column or row a reviewer changed (it no longer equals what
the importer derived) replaces the matching part; rows added by reviewers are added. What pv
writes as the new sender (C.1.1, C.1.2, C.3, N.*) and the version kind (C.1.11) are pv's.
"""

from __future__ import annotations

import dataclasses

from pv.models import Case
from submissions.e2b import BatchHeader, CaseSnapshot
from submissions.e2b.document import snapshot_from_document
from submissions.importer import _case_fields, _drugs, _moment, _reactions

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
    return snapshot_from_document(case.e2b_document)[1]


def _rows(rows, derived: list[dict]) -> list[dict]:
    keys = derived[0].keys() if derived else ()
    return [{key: getattr(row, key) for key in keys} for row in rows]


def _merge(received: list, derived: list[dict], current: list[dict], pv_items: list) -> list:
    """Per position: the received item while its row is unchanged, else pv's item (keeping the
    received item's id and kept elements, so references and unmodelled data survive)."""
    out = []
    for index, pv_item in enumerate(pv_items):
        if index < len(received) and index < len(derived) and current[index] == derived[index]:
            out.append(received[index])
        elif index < len(received):
            out.append(dataclasses.replace(pv_item, id=received[index].id,
                                           kept=received[index].kept))
        else:
            out.append(pv_item)
    return out


def received_snapshot(*, case: Case, pv_view: CaseSnapshot) -> CaseSnapshot:
    """The snapshot to send for an imported case version (`pv_view`: built from its rows)."""
    received, _route = snapshot_from_document(case.e2b_document)
    derived = _case_fields(received)
    changed = {f for f, value in derived.items()
               if f != "e2b_document" and getattr(case, f) != value}
    patient = received.patient
    for column in changed & PATIENT_COLUMNS.keys():
        attr = PATIENT_COLUMNS[column]
        setattr(patient, attr, getattr(pv_view.patient, attr))
    if changed & {"reporter_qualification", "reporter_country"} and received.primary_sources:
        source = next((s for s in received.primary_sources if s.regulatory),
                      received.primary_sources[0])
        source.qualification = case.reporter_qualification
        source.country = case.reporter_country
    for attr in ("report_type", "narrative", "reporter_comments"):
        if attr in changed:
            setattr(received, attr, getattr(pv_view, attr))
    drugs = list(case.drugs.all())
    reactions = list(case.reactions.all())
    received.drugs = _merge(received.drugs, _drugs(received), _rows(drugs, _drugs(received)),
                            pv_view.drugs)
    received.reactions = _merge(received.reactions, _reactions(received),
                                _rows(reactions, _reactions(received)), pv_view.reactions)
    if case.received_at != _moment(received.first_received):
        received.first_received = pv_view.first_received
    if case.latest_info_at != _moment(received.most_recent):
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
