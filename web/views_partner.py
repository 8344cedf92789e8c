"""Regulator and sponsor pages: the inbox, a received case, the XML download.

Nothing here may show Restricted Data. Every page context is plain data built from the partner
API's own serializers (cases, submissions, follow-up requests, products: each already through
the partner-output path) plus labels, and the whole context then goes through
`pv.services.privacy.partner_output` once more with the page's declared-safe paths
(`partner_safe`), so a value added to a page later is scrubbed until it is declared.
Downloads go through `submission_download`, so a pull is recorded.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views import View

from followup.apis.requests import RequestOutput
from followup.models import FollowupRequest
from pv.apis import CaseOutput
from pv.apis.accounts import ProductOutput
from pv.core.partner_output import lazy_partner_scrubber
from pv.models import User
from pv.selectors import case_get_visible, product_list_visible_to
from pv.services.privacy import partner_output
from submissions.apis import SubmissionOutput
from submissions.models import Submission
from submissions.selectors import submission_get_visible, submission_list_visible_to
from submissions.services import submission_download
from web.mixins import PartnerRequiredMixin
from web.selectors import partner_followups, question_labels
from web.selectors import partner_member_pseudonym as _pseudonym
from web.selectors_partner import (
    INBOX_SORTS,
    INBOX_STATES,
    InboxFilters,
    inbox_state,
    partner_inbox,
)
from web.uuids import uuid_or_404
from web.views_followup import QUESTION_CHOICES

PAGE_SIZE = 50

# Paths every partner page may show as they are: ids, codes, dates, states and their labels.
_SUBMISSION_SAFE = {
    f"submissions.{f}"
    for f in (
        *SubmissionOutput.partner_safe,
        "member_pseudonym",
        "kind_label",
        "status_label",
        "ack_label",
        "inbox_state",
        "inbox_state_label",
        "received_on",
    )
}
_FOLLOWUP_SAFE = {
    f"followups.{f}" for f in (*RequestOutput.partner_safe, "status_label", "created_on")
}
_COMMON_SAFE = {
    "questions",
    "today",
    "signals_url",
    "page",
    "filters",
    "choices",
    "query",
    "chosen",
}


def _signals_url() -> str:
    """The sponsor signal dashboard lives in the signals app; link to it once it is mounted."""
    try:
        return reverse("signals-dashboard")
    except NoReverseMatch:
        return ""


def _label(choices, value) -> str:
    return dict(choices).get(value, value)


def _submission_rows(user: User, submissions: list[Submission]) -> list[dict]:
    rows = SubmissionOutput(submissions, many=True, context={"user": user}).data
    out = []
    for row, s in zip(rows, submissions, strict=True):
        out.append(
            {
                **row,
                "is_serious": s.case.is_serious,
                "member_pseudonym": _pseudonym(user=user, case=s.case),
                "kind_label": _label(Submission.Kind.choices, s.kind),
                "status_label": _label(Submission.Status.choices, s.status),
                "ack_label": _label(Submission.AckResult.choices, s.ack_result),
                "inbox_state": (state := inbox_state(s)),
                "received_on": s.created_at.date().isoformat(),
                "inbox_state_label": INBOX_STATES[state],
            }
        )
    return out


def _followup_rows(user: User, requests: list[FollowupRequest]) -> list[dict]:
    rows = RequestOutput(requests, many=True, context={"user": user}).data
    return [
        {
            **row,
            "question_labels": question_labels(r.questions),
            "status_label": _label(FollowupRequest.Status.choices, row["status"]),
            "created_on": row["created_at"][:10],
        }
        for row, r in zip(rows, requests, strict=True)
    ]


def partner_render(request, template: str, context: dict, *, safe) -> HttpResponse:
    """Render a partner page from plain data that went through the partner-output path."""
    scrub = lazy_partner_scrubber(member=None, actor=request.user)
    return render(request, template, partner_output(context, safe=safe, scrub=scrub))


def _inbox_filters(request, products) -> tuple[InboxFilters, list[str]]:
    """The inbox's filters from the URL; a value that is not one of the offered choices is
    ignored and named in the page's errors (never a 500)."""
    g, errors = request.GET, []

    def choice(name: str, allowed, label: str) -> str:
        value = g.get(name, "")
        if value and value not in allowed:
            errors.append(f"{label}: {value[:40]!r} is not one of the choices; ignored.")
            return ""
        return value

    def day(name: str, label: str) -> date | None:
        value = g.get(name, "")
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            errors.append(f"{label}: {value[:40]!r} is not a date (YYYY-MM-DD); ignored.")
            return None

    filters = InboxFilters(
        product=choice("product", {str(p.id) for p in products}, "Product"),
        seriousness=choice("seriousness", {"serious", "non_serious"}, "Seriousness"),
        state=choice("state", INBOX_STATES, "Status"),
        received_from=day("from", "Received from"),
        received_to=day("to", "Received to"),
        sort=choice("sort", INBOX_SORTS, "Sort") or "received",
    )
    return filters, errors


class PartnerInboxView(PartnerRequiredMixin, View):
    partner_safe = frozenset(
        {*_SUBMISSION_SAFE, *_FOLLOWUP_SAFE, *_COMMON_SAFE, "products.id", "partner_name"}
    )

    def get(self, request):
        user = request.user
        products = list(product_list_visible_to(user=user))
        filters, errors = _inbox_filters(request, products)
        page = Paginator(partner_inbox(user=user, filters=filters), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        chosen = {
            "product": filters.product,
            "seriousness": filters.seriousness,
            "state": filters.state,
            "from": filters.received_from.isoformat() if filters.received_from else "",
            "to": filters.received_to.isoformat() if filters.received_to else "",
            "sort": filters.sort,
        }
        context = {
            "partner_name": user.partner.name,
            "page": {
                "count": page.paginator.count,
                "number": page.number,
                "num_pages": page.paginator.num_pages,
                "previous": page.previous_page_number() if page.has_previous() else None,
                "next": page.next_page_number() if page.has_next() else None,
            },
            # The filters kept in every pager link.
            "query": urlencode(
                {k: v for k, v in chosen.items() if v and k != "sort"}
                | ({"sort": filters.sort} if filters.sort != "received" else {})
            ),
            "chosen": chosen,
            "choices": {
                "products": [
                    (
                        str(p.id),
                        f"{p.name} ({p.sponsor.name})"
                        if user.role != User.Role.SPONSOR
                        else p.name,
                    )
                    for p in products
                ],
                "states": list(INBOX_STATES.items()),
                "sorts": list(INBOX_SORTS.items()),
            },
            "errors": errors,
            "submissions": _submission_rows(user, list(page.object_list)),
            "products": ProductOutput(
                products if user.role == User.Role.SPONSOR else [],
                many=True,
                context={"user": user},
            ).data,
            "followups": _followup_rows(user, partner_followups(user=user)),
            "signals_url": _signals_url(),
        }
        return partner_render(request, "pv/web/partner_inbox.html", context, safe=self.partner_safe)


class PartnerCaseView(PartnerRequiredMixin, View):
    partner_safe = frozenset(
        {
            *_SUBMISSION_SAFE,
            *_FOLLOWUP_SAFE,
            *_COMMON_SAFE,
            *(f"case.{f}" for f in CaseOutput.partner_safe),
            "form.questions",
            "form.wanted_by",
            "form.error",
        }
    )

    def get(self, request, case_id):
        return partner_case_page(request, case_id)


def partner_case_page(request, case_id, *, form: dict | None = None, status: int = 200):
    """The partner's case page; `form` re-renders a refused follow-up request with what the
    partner chose and typed (ticks, questions, date) and the reason it was refused."""
    case = case_get_visible(user=request.user, case_id=uuid_or_404(case_id))
    data = CaseOutput(case, context={"user": request.user}).data
    submissions = list(
        submission_list_visible_to(user=request.user)
        .filter(case__worldwide_case_id=case.worldwide_case_id)
        .select_related("case", "case__member")
        .order_by("-case__version")
    )
    followups = [
        f
        for f in partner_followups(user=request.user)
        if f.worldwide_case_id == case.worldwide_case_id
    ]
    context = {
        "case": data,
        "submissions": _submission_rows(request.user, submissions),
        "followups": _followup_rows(request.user, followups),
        "questions": QUESTION_CHOICES,
        "today": timezone.now().date().isoformat(),
        "form": form or {"questions": [], "free_text": "", "wanted_by": "", "error": ""},
    }
    response = partner_render(
        request, "pv/web/partner_case.html", context, safe=PartnerCaseView.partner_safe
    )
    response.status_code = status
    return response


class PartnerSubmissionXmlView(PartnerRequiredMixin, View):
    """Download the ICSR batch; the first download marks a pull submission as sent."""

    def get(self, request, submission_id):
        submission = submission_get_visible(
            user=request.user, submission_id=uuid_or_404(submission_id)
        )
        xml = submission_download(submission=submission, actor=request.user)
        response = HttpResponse(xml, content_type="application/xml")
        response["Content-Disposition"] = f'attachment; filename="{submission.message_id}.xml"'
        return response
