"""The case page (reviewers): versions and their diff, E2B preview, submissions, audit history."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from coding.selectors import coding_suggestions
from coding.services import case_reaction_code
from pv.core.exceptions import DomainError
from pv.selectors import case_get_visible, case_snapshot
from pv.services.cases import minimum_criteria
from submissions.services import case_e2b_preview
from web.evidence import case_texts, seriousness_rows
from web.history import audit_rows, changes
from web.mixins import StaffRequiredMixin
from web.selectors import (
    case_audit_events,
    case_followups,
    case_reaction_get,
    case_submissions,
    case_version_diff,
    case_version_list,
)
from web.selectors_rsi import expectedness_rows
from web.uuids import uuid_or_404

PROFILES = ("ich", "fda", "ema")
CRITERIA_LABELS = {
    "patient": "Identifiable patient",
    "reporter": "Identifiable reporter",
    "product": "Suspect product",
    "event": "Adverse event",
}


def _version_param(request, name: str, versions: list, default):
    raw = request.GET.get(name, "")
    if raw.isdigit():
        for v in versions:
            if v.version == int(raw):
                return v
    return default


class CaseView(StaffRequiredMixin, View):
    def get(self, request, case_id):
        case = case_get_visible(user=request.user, case_id=uuid_or_404(case_id))
        versions = case_version_list(case=case)
        previous = next((v for v in versions if v.version == case.version - 1), None)
        older = _version_param(request, "from", versions, previous)
        newer = _version_param(request, "to", versions, case)
        diff = None
        if older is not None and newer is not None and older.id != newer.id:
            if older.version > newer.version:
                older, newer = newer, older
            diff = case_version_diff(older=older, newer=newer)
            diff["readable"] = changes(case_snapshot(case=older), case_snapshot(case=newer))
        criteria = minimum_criteria(case=case)
        drugs = list(case.drugs.select_related("product"))
        reactions = list(case.reactions.all())
        source_posts = list(case.source_posts.all())
        source_reports = list(case.source_reports.all())
        submissions = list(case_submissions(user=request.user, case=case))
        context = {
            "case": case,
            "seriousness": seriousness_rows(
                criteria=case.seriousness_criteria,
                texts=case_texts(case=case, posts=source_posts, reports=source_reports),
            ),
            "versions": versions,
            "latest": next((v for v in versions if v.is_latest), case),
            "older": older,
            "newer": newer,
            "diff": diff,
            "criteria": [(CRITERIA_LABELS[k], criteria[k]) for k in CRITERIA_LABELS],
            "drugs": drugs,
            "reactions": reactions,
            "expectedness": expectedness_rows(case=case, drugs=drugs, reactions=reactions),
            "submissions": submissions,
            "held": [s for s in submissions if s.status == "held"],
            "can_code": case.is_latest and case.status != case.Status.NULLIFIED,
            "events": audit_rows(case_audit_events(case=case, versions=versions)),
            "followups": case_followups(user=request.user, case=case),
            "profiles": PROFILES,
            "source_posts": source_posts,
            "source_reports": source_reports,
        }
        return render(request, "pv/web/case.html", context)


class CaseE2BPreviewView(StaffRequiredMixin, View):
    """htmx fragment: the E2B(R3) XML pv would send for this version, with its validation."""

    def get(self, request, case_id):
        case = case_get_visible(user=request.user, case_id=uuid_or_404(case_id))
        profile = request.GET.get("profile", "ich")
        if profile not in PROFILES:
            raise DomainError("profile must be ich, fda or ema.", code="invalid")
        preview = case_e2b_preview(case=case, profile=profile, actor=request.user)
        return render(request, "pv/web/_e2b_preview.html", {"case": case, "preview": preview})


def _reaction(request, case_id, reaction_id):
    case = case_get_visible(user=request.user, case_id=uuid_or_404(case_id))
    return case_reaction_get(case=case, reaction_id=uuid_or_404(reaction_id))


def _reaction_anchor(reaction) -> str:
    return reverse("web:case", args=[reaction.case_id]) + f"#reaction-{reaction.position}"


class ReactionSuggestionsView(StaffRequiredMixin, View):
    """htmx fragment: the top-5 terms of the active event dictionary for a reaction's reported
    words, each with its hierarchy and one click to code the reaction with it."""

    def get(self, request, case_id, reaction_id):
        reaction = _reaction(request, case_id, reaction_id)
        return render(
            request,
            "pv/web/_suggestions.html",
            {
                "reaction": reaction,
                "suggestions": coding_suggestions(kind="event", text=reaction.reported_term),
                "next": _reaction_anchor(reaction),
            },
        )


class ReactionCodingView(StaffRequiredMixin, View):
    """Code or recode one reaction of the latest version (in place, audited); submissions held
    for want of coding are released by it."""

    def post(self, request, case_id, reaction_id):
        reaction = _reaction(request, case_id, reaction_id)
        code = (request.POST.get("code") or "").strip()
        if not code:
            raise DomainError("Choose a term or type a code.", code="invalid")
        released = case_reaction_code(
            actor=request.user,
            reaction=reaction,
            code=code[:50],
            reason=(request.POST.get("reason") or "")[:2000],
        ).released
        reaction.refresh_from_db()
        note = f" {released} held submission{'s' if released != 1 else ''} released."
        messages.success(
            request,
            f"Reaction {reaction.position} “{reaction.reported_term}” coded to {reaction.term} "
            f"({reaction.code}, {reaction.terminology} {reaction.terminology_version})."
            + (note if released else ""),
        )
        return redirect(_reaction_anchor(reaction))
