"""H.1 case narrative generated from the structured case when the reviewer wrote none.

Regulators reject an ICSR without a narrative (H.1 is Required), and a generated summary is
better than an empty one. It only restates coded data, so it adds no identifying detail.
"""

from __future__ import annotations

from .snapshot import SERIOUSNESS_CRITERIA, CaseSnapshot, DrugRole

_ROLE_WORDS = {
    DrugRole.SUSPECT: "suspect",
    DrugRole.CONCOMITANT: "concomitant",
    DrugRole.INTERACTING: "interacting",
    DrugRole.NOT_ADMINISTERED: "not administered",
}
_OUTCOME_WORDS = {
    "0": "unknown",
    "1": "recovered/resolved",
    "2": "recovering/resolving",
    "3": "not recovered/not resolved",
    "4": "recovered with sequelae",
    "5": "fatal",
}
_SEX_WORDS = {"1": "male", "2": "female"}
_AGE_UNITS = {"a": "years", "mo": "months", "wk": "weeks", "d": "days", "h": "hours",
              "10.a": "decades"}


def generate_narrative(case: CaseSnapshot) -> str:
    patient = case.patient
    who = "A patient"
    if patient.sex in _SEX_WORDS:
        who = f"A {_SEX_WORDS[patient.sex]} patient"
    if patient.age is not None:
        unit = _AGE_UNITS.get(patient.age.unit, patient.age.unit)
        who += f" aged {patient.age.value} {unit}"
    parts = [f"{who} reported via an online patient community."]
    drugs = [f"{d.name} ({_ROLE_WORDS.get(d.role, 'drug')})" for d in case.drugs if d.name]
    if drugs:
        parts.append("Products: " + "; ".join(drugs) + ".")
    for reaction in case.reactions:
        term = reaction.reported_term or (reaction.term.display if reaction.term else "")
        if not term:
            continue
        serious = [c.replace("_", " ") for c in SERIOUSNESS_CRITERIA if c in reaction.seriousness]
        line = f"Reaction: {term}; outcome {_OUTCOME_WORDS.get(reaction.outcome, 'unknown')}"
        if serious:
            line += "; serious (" + ", ".join(serious) + ")"
        parts.append(line + ".")
    if patient.medical_history_text:
        parts.append(f"Relevant history: {patient.medical_history_text}")
    return " ".join(parts)
