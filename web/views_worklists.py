"""Reviewer worklists: find a case, see what is due, failed or rejected, and what awaits merge."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views import View

from pv.models import Case
from web.mixins import StaffRequiredMixin
from web.selectors_worklists import (
    CaseSearch,
    case_search,
    followup_awaiting_merge,
    submission_worklists,
)

PAGE_SIZE = 50


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


class CaseListView(StaffRequiredMixin, View):
    def get(self, request):
        g = request.GET
        search = CaseSearch(
            q=g.get("q", "")[:100],
            drug=g.get("drug", "")[:100],
            event=g.get("event", "")[:100],
            status=g.get("status", "") if g.get("status", "") in Case.Status.values else "",
            received_from=_date(g.get("from", "")),
            received_to=_date(g.get("to", "")),
        )
        page = Paginator(case_search(search=search), PAGE_SIZE).get_page(g.get("page"))
        kept = {k: v for k, v in g.items() if k != "page" and v}
        return render(
            request,
            "pv/web/cases.html",
            {
                "page": page,
                "search": search,
                "statuses": Case.Status.choices,
                "query": urlencode(kept),
                "filtered": bool(kept),
            },
        )


class SubmissionWorklistView(StaffRequiredMixin, View):
    def get(self, request):
        today = timezone.now().date()
        lists = submission_worklists(today=today)
        return render(request, "pv/web/submissions.html", {**lists, "today": today})


class FollowupAwaitingView(StaffRequiredMixin, View):
    def get(self, request):
        return render(
            request, "pv/web/followup_awaiting.html", {"messages_": followup_awaiting_merge()}
        )
