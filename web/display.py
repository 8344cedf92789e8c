"""One display helper for every page: stored codes and enum values as people read them.

"disability, other_medically_important" -> "Disability, Other medically important condition";
age 48 with unit "a" -> "48 years"; outcome "3" -> "Not recovered/not resolved/ongoing"; route
"048" -> "Oral". Templates use it through the `human` filter (`web.templatetags.pv_display`);
partner pages apply it after the partner-output scrubbing, so it only relabels, never reveals.
An unknown value is shown as it is (never hidden), so a new code is visible rather than lost.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from followup.models import FollowupRequest
from intake.models import AEReport, TriageItem
from pv.models import Case, CaseDrug, CaseReaction, Partner
from submissions.models import Submission

SERIOUSNESS = {
    "death": "Death",
    "life_threatening": "Life-threatening",
    "hospitalisation": "Hospitalisation",
    "disability": "Disability",
    "congenital_anomaly": "Congenital anomaly",
    "other_medically_important": "Other medically important condition",
}
# UCUM age units as E2B D.2.2b carries them.
AGE_UNITS = {
    "a": ("year", "years"),
    "dec": ("decade", "decades"),
    "mo": ("month", "months"),
    "wk": ("week", "weeks"),
    "d": ("day", "days"),
    "h": ("hour", "hours"),
}
# E2B(R2) route of administration codes (ICH E2B attachment), still sent as R3 "TermID"
# values: the common ones; an unlisted code is shown as "route 0xx".
ROUTES = {
    "001": "Auricular (otic)", "003": "Buccal", "007": "Cutaneous", "013": "Inhalation",
    "030": "Intramuscular", "042": "Intravenous", "045": "Intravitreal", "047": "Nasal",
    "048": "Oral", "049": "Other", "053": "Rectal", "057": "Subcutaneous",
    "058": "Sublingual", "061": "Topical", "062": "Transdermal", "065": "Unknown",
    "067": "Vaginal",
}  # fmt: skip
CRITERIA = {
    "patient": "Identifiable patient",
    "reporter": "Identifiable reporter",
    "product": "Suspect product",
    "event": "Adverse event",
}
_KINDS: dict[str, dict[str, str]] = {
    "seriousness": SERIOUSNESS,
    "sex": dict(Case.Sex.choices),
    "qualification": dict(Case.Qualification.choices),
    "report_type": dict(Case.ReportType.choices),
    "case_status": dict(Case.Status.choices),
    "origin": dict(Case.Origin.choices),
    "outcome": dict(CaseReaction.Outcome.choices),
    "report_outcome": dict(AEReport.Outcome.choices),  # a member's structured report
    "role": dict(CaseDrug.Role.choices),
    "action_taken": dict(CaseDrug.ActionTaken.choices),
    "route": ROUTES,
    "submission_kind": dict(Submission.Kind.choices),
    "submission_status": dict(Submission.Status.choices),
    "ack": dict(Submission.AckResult.choices),
    "followup_status": dict(FollowupRequest.Status.choices),
    "triage_status": dict(TriageItem.Status.choices),
    "partner_kind": dict(Partner.Kind.choices),
    "criterion": CRITERIA,
    "age_unit": {k: v[1] for k, v in AGE_UNITS.items()},
}
KINDS = frozenset(_KINDS)


def _number(value: Any) -> str:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    return f"{number.normalize():f}"


def age(value: Any, unit: str = "a") -> str:
    """48, "a" -> "48 years"; 1, "mo" -> "1 month"; no age -> ""."""
    if value in (None, ""):
        return ""
    shown = _number(value)
    one, many = AGE_UNITS.get(str(unit or "a"), (str(unit), str(unit)))
    return f"{shown} {one if shown == '1' else many}"


def human(value: Any, kind: str) -> str:
    """`value` (a code, an enum value, or a list of them) as a person reads it."""
    if kind not in _KINDS:
        raise ValueError(f"unknown display kind {kind!r}")
    if value is None or value == "":
        return ""
    if isinstance(value, list | tuple | set):
        return ", ".join(human(v, kind) for v in value)
    text = str(value)
    labels = _KINDS[kind]
    if "," in text and kind == "seriousness":  # "disability, other_medically_important"
        return human([p.strip() for p in text.split(",") if p.strip()], kind)
    if text in labels:
        return labels[text]
    if kind == "route" and text.isdigit():
        return f"route {text}"
    return text.replace("_", " ").capitalize() if "_" in text else text
