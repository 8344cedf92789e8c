"""Readable history: data elements with human labels (and their E2B number), values as a person
reads them, and per audit event what changed from old to new. Plain functions over the plain
data `case_snapshot` and the audit trail already hold."""

from __future__ import annotations

from typing import Any

from pv.models import CaseDrug, CaseReaction

LABELS = {
    # case (C, D, H)
    "report_type": "Type of report (C.1.3)",
    "status": "Case status",
    "received_at": "First received (C.1.4)",
    "latest_info_at": "Most recent information (C.1.5)",
    "day_zero": "Day 0",
    "amendment_reason": "Reason for amendment or nullification (C.1.11.2)",
    "patient_age": "Age at onset (D.2.2a)",
    "patient_age_unit": "Age unit (D.2.2b)",
    "patient_age_group": "Age group (D.2.3)",
    "patient_sex": "Sex (D.5)",
    "patient_weight_kg": "Weight, kg (D.3)",
    "medical_history": "Medical history (D.7)",
    "reporter_qualification": "Reporter's qualification (C.2.r.4)",
    "reporter_country": "Reporter's country (C.2.r.3)",
    "death": "Results in death (E.i.3.2a)",
    "life_threatening": "Life-threatening (E.i.3.2b)",
    "hospitalisation": "Hospitalisation (E.i.3.2c)",
    "disability": "Disability / incapacity (E.i.3.2d)",
    "congenital_anomaly": "Congenital anomaly (E.i.3.2e)",
    "other_medically_important": "Other medically important (E.i.3.2f)",
    "narrative": "Case narrative (H.1)",
    "reporter_comments": "Reporter's comments (H.2)",
    "sender_comments": "Sender's comment (H.4)",
    "assessments": "Causality, sender (G.k.9.i.2.r)",
    "member_public_id": "Member (pseudonym)",
    # drugs (G.k)
    "role": "Role (G.k.1)",
    "name_reported": "Drug as reported (G.k.2.2)",
    "ingredients": "Ingredients (G.k.2.3)",
    "dose_text": "Dosage text (G.k.4.r.8)",
    "dose_value": "Dose (G.k.4.r.1a)",
    "dose_unit": "Dose unit (G.k.4.r.1b)",
    "route": "Route (G.k.4.r.10.1)",
    "start_date": "Start (G.k.4.r.4)",
    "stop_date": "End (G.k.4.r.5)",
    "action_taken": "Action taken (G.k.8)",
    "indication_reported": "Indication (G.k.7.r.1)",
    # reactions (E.i)
    "reported_term": "Reaction as reported (E.i.1.1a)",
    "code": "Coded term, code (E.i.2.1b)",
    "term": "Coded term (LLT)",
    "pt_code": "PT code",
    "pt": "Preferred term",
    "soc": "System organ class",
    "terminology": "Terminology",
    "terminology_version": "Terminology version (E.i.2.1a)",
    "onset_date": "Onset (E.i.4)",
    "end_date": "End (E.i.5)",
    "duration": "Duration (E.i.6)",
    "outcome": "Outcome (E.i.7)",
}
_CHOICES = {
    "outcome": dict(CaseReaction.Outcome.choices),
    "action_taken": dict(CaseDrug.ActionTaken.choices),
    "role": dict(CaseDrug.Role.choices),
}
ACTIONS = {
    "case.created": "Case created",
    "case.followup": "Follow-up version",
    "case.amendment": "Amendment (correction)",
    "case.nullification": "Nullified",
    "case.recoded": "Recoded (reviewer or terminology release)",
    "case.status_changed": "Status changed",
    "triage.confirmed": "Confirmed from the queue",
    "submission.held": "Submission held: needs coding",
    "submission.released": "Held submission released",
    "submission.superseded": "Held submission superseded by a newer version",
    "submission.sent": "Submission sent",
    "submission.pulled": "Submission downloaded by the partner",
    "submission.acknowledged": "Acknowledgement received",
    "submission.failed": "Submission failed",
    "submission.ack_refused": "Acknowledgement refused",
    "vault.identity_read": "Restricted Data read from the vault",
}


def label(name: str) -> str:
    return LABELS.get(name, name.replace("_", " ").capitalize())


def show(name: str, value: Any) -> str:
    """A value as a person reads it."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if name in _CHOICES:
        return _CHOICES[name].get(value, str(value))
    if name == "assessments":
        return "; ".join(
            f"drug {a.get('drug')} × reaction {a.get('reaction')}: {a.get('result')}" for a in value
        )
    if name == "ingredients":
        return ", ".join(i.get("name", "?") for i in value if isinstance(i, dict))
    if isinstance(value, list):
        return ", ".join(show(name, v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{label(k)}: {show(k, v)}" for k, v in value.items())
    return str(value)


def changes(before: dict | None, after: dict | None) -> list[dict]:
    """What changed between two plain snapshots (top level, and per drug / reaction row)."""
    before, after = before or {}, after or {}
    out = []
    for key in sorted(set(before) | set(after), key=lambda k: list(LABELS).index(k)
                      if k in LABELS else len(LABELS)):  # fmt: skip
        old, new = before.get(key), after.get(key)
        if old == new or key in ("version", "is_latest"):
            continue
        if key in ("drugs", "reactions") and isinstance(old, list) and isinstance(new, list):
            for index in range(max(len(old), len(new))):
                a = old[index] if index < len(old) else {}
                b = new[index] if index < len(new) else {}
                name = b.get("name_reported") or b.get("reported_term") or a.get(
                    "name_reported") or a.get("reported_term") or "?"  # fmt: skip
                for field in sorted(set(a) | set(b)):
                    if field in ("position", "case_id") or a.get(field) == b.get(field):
                        continue
                    out.append({"label": f"{name}: {label(field)}",
                                "old": show(field, a.get(field)),
                                "new": show(field, b.get(field))})  # fmt: skip
            continue
        out.append({"label": label(key), "old": show(key, old), "new": show(key, new)})
    return out


def audit_rows(events) -> list[dict]:
    """Audit events as rows: when, who, what (in words), purpose, reason and old -> new values."""
    rows = []
    for event in events:
        after = event.after if isinstance(event.after, dict) else {}
        before = event.before if isinstance(event.before, dict) else None
        rows.append(
            {
                "event": event,
                "what": ACTIONS.get(event.action, event.action),
                "purpose": after.get("purpose", ""),
                "changes": changes(before, after) if before is not None else [],
            }
        )
    return rows
