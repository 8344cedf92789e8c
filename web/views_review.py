"""Review one queue item: highlighted text, coding, criteria, confirm / reject / attach."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from coding.models import Dictionary
from coding.selectors import dictionary_search
from intake.models import Mention, TriageItem
from intake.services.coding import mention_coding_accept, mention_coding_override
from intake.services.triage import (
    SERIOUSNESS,
    triage_item_attach_followup,
    triage_item_confirm,
    triage_item_reject,
    triage_item_request_info,
)
from intake.triage_selectors import (
    mention_get,
    mention_suggestions,
    triage_item_get,
    triage_item_pairs,
    triage_next_open,
)
from pv.core.exceptions import DomainError
from pv.selectors import case_get_visible
from web import display
from web.evidence import seriousness_rows
from web.mixins import StaffRequiredMixin
from web.selectors import (
    candidate_due,
    case_reaction_get,
    default_selection,
    member_history,
    mention_coding_label,
    mention_context,
    source_of,
    source_text,
    text_segments,
)
from web.uuids import uuid_or_404

SERIOUSNESS_LABELS = display.SERIOUSNESS
CRITERIA_LABELS = {
    "patient": "Identifiable patient",
    "reporter": "Identifiable reporter",
    "product": "Suspect product",
    "event": "Adverse event",
}
REJECT_REASONS = [
    "Not an adverse event (indication, negated or hypothetical)",
    "No suspect product named",
    "About someone else, not enough to identify the patient",
    "Duplicate of an existing case",
    "Spam or off-topic",
]


def _mentions(item: TriageItem) -> list[Mention]:
    mentions = list(item.screening.mentions.all())
    for m in mentions:
        # Template decorations, computed once per mention.
        m.context_flags = mention_context(m)  # type: ignore[attr-defined]
        m.coding_label = mention_coding_label(m)  # type: ignore[attr-defined]
    return mentions


def _safe_next(request, fallback: str) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
        return wanted
    return fallback


class ReviewView(StaffRequiredMixin, View):
    def get(self, request, item_id):
        item = triage_item_get(item_id=item_id)
        mentions = _mentions(item)
        source = source_of(item)
        criteria = item.screening.criteria or {}
        context = {
            "item": item,
            "source": source,
            "member": source.member,
            "segments": text_segments(text=source_text(item), mentions=mentions),
            "mentions": mentions,
            "structured": item.report if item.source == TriageItem.Source.REPORT else None,
            "criteria": [(CRITERIA_LABELS[k], bool(criteria.get(k))) for k in CRITERIA_LABELS],
            "seriousness": seriousness_rows(criteria=item.seriousness, texts=[source_text(item)]),
            "due": candidate_due(item=item),
            "history": member_history(member=source.member, item=item),
            "is_open": item.status in TriageItem.OPEN,
            "claimed_by_other": item.claimed_by_id not in (None, request.user.id),
            "reject_reasons": REJECT_REASONS,
        }
        return render(request, "pv/web/review.html", context)


class ConfirmView(StaffRequiredMixin, View):
    """GET: the case form prefilled from the screening; POST: create the case."""

    def get(self, request, item_id):
        item = triage_item_get(item_id=item_id)
        mentions = _mentions(item)
        selected = default_selection(
            item=item, mentions=mentions, pairs=triage_item_pairs(item=item)
        )
        source = source_of(item)
        context = {
            "item": item,
            "member": source.member,
            "drugs": [m for m in mentions if m.kind == Mention.Kind.DRUG],
            "events": [m for m in mentions if m.kind == Mention.Kind.EVENT],
            "selected": selected,
            "seriousness": [
                (s, SERIOUSNESS_LABELS[s], s in item.screening.serious) for s in SERIOUSNESS
            ],
            "narrative": source_text(item),
            "is_report": item.source == TriageItem.Source.REPORT,
        }
        return render(request, "pv/web/confirm.html", context)

    def post(self, request, item_id):
        item = triage_item_get(item_id=item_id)
        # The form always lists the mentions: what is ticked is the reviewer's choice, and
        # nothing ticked is a choice too (never silently the pipeline's).
        mention_ids = request.POST.getlist("mentions")
        item = triage_item_confirm(
            actor=request.user,
            item=item,
            mention_ids=mention_ids,
            seriousness=request.POST.getlist("seriousness"),
        )
        messages.success(request, f"Case {item.case.worldwide_case_id} created.")
        return redirect(reverse("web:case", args=[item.case_id]))


class RejectView(StaffRequiredMixin, View):
    def post(self, request, item_id):
        reason = (request.POST.get("reason") or "").strip()
        preset = (request.POST.get("preset") or "").strip()
        if preset and preset in REJECT_REASONS:
            reason = f"{preset}. {reason}".strip() if reason else preset
        item = triage_item_get(item_id=item_id)
        triage_item_reject(actor=request.user, item=item, reason=reason[:2000])
        messages.success(request, "Item rejected.")
        return _next_item(request, item)


class RequestInfoView(StaffRequiredMixin, View):
    """Set "needs information" with what is missing; the item stays open in the queue."""

    def post(self, request, item_id):
        item = triage_item_get(item_id=item_id)
        triage_item_request_info(
            actor=request.user, item=item, reason=(request.POST.get("needed") or "")[:2000]
        )
        messages.success(request, "Marked as needing information.")
        return _next_item(request, item)


def _next_item(request, item):
    """After a decision the reviewer goes on to the next open item in queue order (not back to
    page 1 of the queue); the queue itself when nothing is left."""
    following = triage_next_open(after=item, user=request.user)
    if following is None:
        return redirect(reverse("web:queue"))
    # "#item": the next page puts the keyboard focus on the item's heading (pv.js), so j / k,
    # c, r and e work at once and a screen reader announces the new item.
    return redirect(reverse("web:review", args=[following.id]) + "#item")


class AttachFollowupView(StaffRequiredMixin, View):
    def post(self, request, item_id):
        item = triage_item_get(item_id=item_id)
        case = case_get_visible(user=request.user, case_id=uuid_or_404(request.POST.get("case_id")))
        new = triage_item_attach_followup(actor=request.user, item=item, case=case).case
        messages.success(
            request, f"Attached as follow-up: {new.worldwide_case_id} version {new.version}."
        )
        return redirect(reverse("web:case", args=[new.id]))


class MentionSuggestionsView(StaffRequiredMixin, View):
    """htmx fragment: the top-5 coding suggestions for one mention, each one click to use."""

    def get(self, request, mention_id):
        mention = mention_get(mention_id=mention_id)
        return render(
            request,
            "pv/web/_suggestions.html",
            {
                "mention": mention,
                "suggestions": mention_suggestions(mention=mention),
                "next": _safe_next(request, reverse("web:queue")),
            },
        )


class MentionCodingView(StaffRequiredMixin, View):
    """Accept the pipeline's coding or override it with a code (from a suggestion or search)."""

    def post(self, request, mention_id):
        mention = mention_get(mention_id=mention_id)
        action = request.POST.get("action")
        if action == "accept":
            mention_coding_accept(actor=request.user, mention=mention)
            messages.success(request, f"Coding of “{mention.text}” accepted.")
        elif action == "override":
            code = (request.POST.get("code") or "").strip()
            if not code:
                raise DomainError("Choose a term or type a code to override.", code="invalid")
            mention = mention_coding_override(
                actor=request.user,
                mention=mention,
                code=code[:50],
                reason=(request.POST.get("reason") or "")[:2000],
            )
            messages.success(request, f"“{mention.text}” recoded to {mention.term}.")
        else:
            raise DomainError("action must be accept or override.", code="invalid")
        return redirect(_safe_next(request, reverse("web:queue")) + f"#mention-{mention.id}")


class DictionarySearchView(StaffRequiredMixin, View):
    """htmx fragment: fuzzy search in the active dictionary of a kind."""

    def get(self, request):
        kind = request.GET.get("kind", Dictionary.Kind.EVENT)
        if kind not in Dictionary.Kind.values:
            kind = Dictionary.Kind.EVENT
        # The RSI form's term field searches as it is typed (its own name is "term").
        query = (request.GET.get("q") or request.GET.get("term") or "").strip()[:200]
        mention = reaction = None
        if request.GET.get("mention"):
            mention = mention_get(mention_id=uuid_or_404(request.GET["mention"]))
            kind = mention.kind
        elif request.GET.get("reaction"):  # coding a case's reaction from the case page
            case_id, reaction_id = request.GET.get("case"), request.GET["reaction"]
            case = case_get_visible(user=request.user, case_id=uuid_or_404(case_id))
            reaction = case_reaction_get(case=case, reaction_id=uuid_or_404(reaction_id))
            kind = Dictionary.Kind.EVENT
        dictionary, results = (None, [])
        if len(query) >= 2:
            dictionary, results = dictionary_search(query=query, kind=kind, limit=10)
        return render(
            request,
            "pv/web/_search_results.html",
            {
                "query": query,
                "kind": kind,
                "dictionary": dictionary,
                "results": results,
                "mention": mention,
                "reaction": reaction,
                "pick": request.GET.get("pick") == "rsi",
                "next": _safe_next(request, reverse("web:queue")),
            },
        )
