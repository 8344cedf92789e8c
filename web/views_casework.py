"""Case work after confirmation: one form that corrects or completes the case and saves it as a
new version with a reason (amendment or follow-up), audited old -> new by the case service.

The reviewer edits per reaction the onset date, duration, outcome and seriousness criteria
(E.i.3.2; the words that triggered each are shown; a relative's hospital stay is corrected
here, and the case is serious by the criteria of its reactions); per drug the role, dose,
route, dates and action taken; causality per suspect drug and reaction (WHO-UMC, sent as E2B
G.k.9.i.2.r with source "sender"); and writes the narrative (H.1) and the sender's comment
(H.4), which replace the earlier text.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from pv.core.exceptions import DomainError
from pv.models import Case, CaseDrug, CaseReaction
from pv.selectors import case_get_visible
from pv.services.cases import DRUG_FIELDS, REACTION_FIELDS, WHO_UMC, case_version_create
from web.evidence import case_texts, seriousness_rows
from web.mixins import StaffRequiredMixin
from web.selectors_rsi import expectedness_rows
from web.uuids import uuid_or_404

SERIOUSNESS_LABELS = {
    "death": "Death",
    "life_threatening": "Life-threatening",
    "hospitalisation": "Hospitalisation (initial or prolonged)",
    "disability": "Disability / incapacity",
    "congenital_anomaly": "Congenital anomaly",
    "other_medically_important": "Other medically important condition",
}


def _date(value: str, label: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise DomainError(f"{label}: not a date (YYYY-MM-DD).", code="invalid") from None


def _case(request, case_id) -> Case:
    case = case_get_visible(user=request.user, case_id=uuid_or_404(case_id))
    if not case.is_latest:
        raise DomainError("Edit the latest version of the case.", code="stale_version")
    return case


class CaseWorkView(StaffRequiredMixin, View):
    def get(self, request, case_id):
        case = _case(request, case_id)
        drugs = list(case.drugs.select_related("product"))
        reactions = list(case.reactions.all())
        given = {(a["drug"], a["reaction"]): a["result"] for a in case.assessments}
        return render(
            request,
            "pv/web/case_work.html",
            {
                "case": case,
                "drugs": drugs,
                "reactions": reactions,
                "criteria": list(SERIOUSNESS_LABELS.items()),
                "reaction_seriousness": [
                    (r, [(f, label, getattr(r, f)) for f, label in SERIOUSNESS_LABELS.items()])
                    for r in reactions
                ],
                # The case's criteria and any other the text cues, each with its words.
                "evidence": [
                    row
                    for row in seriousness_rows(
                        criteria=list(SERIOUSNESS_LABELS),
                        texts=case_texts(case=case),
                    )
                    if row["snippets"] or getattr(case, row["criterion"])
                ],
                "expectedness": expectedness_rows(case=case, drugs=drugs, reactions=reactions),
                "roles": CaseDrug.Role.choices,
                "actions": CaseDrug.ActionTaken.choices,
                "outcomes": CaseReaction.Outcome.choices,
                "categories": WHO_UMC,
                "pairs": [
                    {
                        "drug": d,
                        "reaction": r,
                        "name": f"causality-{d.position}-{r.position}",
                        "value": given.get((d.position, r.position), ""),
                    }
                    for d in drugs
                    if d.role != CaseDrug.Role.CONCOMITANT
                    for r in reactions
                ],
            },
        )

    def post(self, request, case_id):
        case = _case(request, case_id)
        p = request.POST
        drugs = []
        for d in case.drugs.all():
            row = {f: getattr(d, f) for f in DRUG_FIELDS}
            key = f"drug-{d.position}-"
            row.update(
                role=p.get(key + "role", d.role),
                dose_text=p.get(key + "dose_text", d.dose_text)[:100],
                route=p.get(key + "route", d.route)[:50],
                start_date=_date(p.get(key + "start_date", ""), f"Drug {d.position} start"),
                stop_date=_date(p.get(key + "stop_date", ""), f"Drug {d.position} stop"),
                action_taken=p.get(key + "action_taken", d.action_taken),
            )
            drugs.append(row)
        per_reaction = p.get("per_reaction_seriousness") == "1"
        case_flags = set(p.getlist("seriousness"))
        reactions = []
        for r in case.reactions.all():
            row = {f: getattr(r, f) for f in REACTION_FIELDS}
            key = f"reaction-{r.position}-"
            row.update(
                onset_date=_date(p.get(key + "onset_date", ""), f"Reaction {r.position} onset"),
                duration=p.get(key + "duration", r.duration)[:50],
                outcome=p.get(key + "outcome", r.outcome),
            )
            # Seriousness is per reaction (E.i.3.2); without the per-reaction form (the older
            # case-level form, the API's callers), a criterion taken off the case is taken off
            # its reactions too, so no reaction stays serious on a non-serious case.
            ticked = set(p.getlist(key + "seriousness"))
            for f in SERIOUSNESS_LABELS:
                row[f] = f in ticked if per_reaction else bool(row[f]) and f in case_flags
            reactions.append(row)
        if per_reaction:
            # The case is serious by a criterion when any of its reactions is.
            case_flags = {f for f in SERIOUSNESS_LABELS if any(r[f] for r in reactions)}
        assessments = [
            {"drug": int(name.split("-")[1]), "reaction": int(name.split("-")[2]), "result": v}
            for name, v in p.items()
            if name.startswith("causality-") and v
        ]
        changes = {
            "narrative": p.get("narrative", case.narrative),
            "sender_comments": p.get("sender_comments", case.sender_comments),
            "assessments": assessments,
            **{f: f in case_flags for f in SERIOUSNESS_LABELS},
        }
        kind = p.get("kind", "amendment")
        if kind not in ("amendment", "followup"):
            raise DomainError("Choose a correction or new information.", code="invalid")
        new = case_version_create(
            actor=request.user,
            case=case,
            kind=kind,
            reason=(p.get("reason") or "").strip()[:2000],
            changes=changes,
            drugs=drugs,
            reactions=reactions,
        )
        messages.success(request, f"Version {new.version} saved.")
        return redirect(reverse("web:case", args=[new.id]))
