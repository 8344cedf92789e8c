"""The triage queue page: ordered, filtered, counted, paginated; claim and release in place."""

from __future__ import annotations

from django import forms
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views import View

from intake.models import TriageItem
from intake.services.triage import SERIOUSNESS, triage_item_claim, triage_item_release
from intake.triage_selectors import triage_item_get, triage_queue
from pv.selectors import listedness, rsi_keys_by_ingredient, rsi_keys_of_ingredients
from web.mixins import StaffRequiredMixin, is_htmx
from web.selectors import candidate_due, queue_counts, queue_page
from web.selectors_worklists import clock_of

PAGE_SIZE = 25
# A filtered result counts at most this many matches (80 pages): enough to work from, and the
# count stops early instead of testing every queued item against the filters.
COUNT_CAP = 2000
_LABELS = {s: s.replace("_", " ").capitalize() for s in SERIOUSNESS}


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            ("open", "Open (pending + needs info)"),
            ("pending", "Pending"),
            ("needs_info", "Needs information"),
            ("confirmed", "Confirmed"),
            ("rejected", "Rejected"),
            ("all", "All"),
        ],
        required=False,
    )
    drug = forms.CharField(max_length=200, required=False, label="Drug")
    event = forms.CharField(max_length=200, required=False, label="Event")
    seriousness = forms.ChoiceField(
        choices=[
            ("", "Any"),
            ("serious", "Serious"),
            ("non_serious", "Non-serious"),
            *_LABELS.items(),
        ],
        required=False,
    )
    source = forms.ChoiceField(
        choices=[("", "Any"), *TriageItem.Source.choices], required=False, label="Source"
    )
    date_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )
    claimed = forms.ChoiceField(
        choices=[("", "Anyone's"), ("no", "Unclaimed"), ("me", "Claimed by me")],
        required=False,
        label="Claim",
    )

    def selector_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {
            "status": data.get("status") or "open",
            "drug": data.get("drug", "").strip(),
            "event": data.get("event", "").strip(),
            "source": data.get("source", ""),
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "claimed": data.get("claimed", ""),
        }
        seriousness = data.get("seriousness", "")
        if seriousness == "serious":
            kwargs["serious"] = True
        elif seriousness == "non_serious":
            kwargs["serious"] = False
        elif seriousness:
            kwargs["seriousness"] = seriousness
        return kwargs


CRITERIA = (
    ("patient", "P", "Identifiable patient"),
    ("reporter", "R", "Identifiable reporter"),
    ("product", "D", "Suspect product"),
    ("event", "E", "Adverse event"),
)


def _distinct(mentions) -> list:
    seen, out = set(), []
    for m in mentions:
        key = m.text.strip().lower()
        if key not in seen:
            seen.add(key)
            out.append(m)
    return out


def _unlisted(drugs, events, rsi: dict[str, set[str]]) -> set:
    """The events no RSI of the row's drugs lists (`pv.selectors.listedness`), each drug's RSI
    found by ingredient, as signals read it; an event of a drug without any RSI is not called
    unlisted (there is nothing to compare with)."""
    listings = [rsi_keys_of_ingredients(rsi, _ingredient_names(d)) for d in drugs]
    return {
        m.id
        for m in events
        if m.code
        and listedness(listings, code=m.llt_code or m.code, term=m.llt or m.term,
                       pt_code=m.pt_code or m.code, pt=m.pt or m.term) is False
    }  # fmt: skip


def _ingredient_names(drug) -> list[str]:
    """A drug mention's ingredients, and its own term (often an ingredient's name)."""
    names = [str(i.get("term", "")) for i in drug.details.get("ingredients", [])]
    return [*names, drug.term] if drug.term else names


def _decorate(items) -> list[TriageItem]:
    today = timezone.now().date()
    rsi = rsi_keys_by_ingredient()  # one query for the page
    for item in items:
        item.due = candidate_due(item=item)
        item.clock = clock_of(item.due, today=today) if item.due else None
        criteria = item.screening.criteria or {}
        item.criteria = [
            {"short": short, "label": label, "met": bool(criteria.get(key))}
            for key, short, label in CRITERIA
        ]
        item.serious_labels = [_LABELS.get(s, s) for s in item.seriousness]
        source = item.post if item.source == TriageItem.Source.POST else item.report
        text = source.text if item.source == TriageItem.Source.POST else source.free_text
        item.excerpt = text[:180] + ("…" if len(text) > 180 else "")
        item.source_ref = source.source_id
        mentions = item.screening.queue_mentions
        # One chip per name: a post naming its drug five times is still one drug.
        item.drug_mentions = _distinct(m for m in mentions if m.kind == "drug")
        item.event_mentions = _distinct(m for m in mentions if m.kind == "event")
        item.unlisted = _unlisted(item.drug_mentions, item.event_mentions, rsi)
    return list(items)


class QueueView(StaffRequiredMixin, View):
    """GET the queue. An htmx request (filters, pagination) gets only the results fragment."""

    def get(self, request):
        form = QueueFilterForm(request.GET or None)
        valid = form.is_valid() if request.GET else True
        kwargs = form.selector_kwargs() if request.GET and valid else {"status": "open"}
        counts = queue_counts(user=request.user)
        unfiltered = all(not v for k, v in kwargs.items() if k != "status")
        page = queue_page(
            queryset=triage_queue(**kwargs, user=request.user),
            number=request.GET.get("page"),
            per_page=PAGE_SIZE,
            # The open queue unfiltered is exactly what the counts already counted.
            count=counts["open"] if unfiltered and kwargs["status"] == "open" else None,
            count_cap=COUNT_CAP,
        )
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            "form": form,
            "form_valid": valid,
            "page": page,
            "items": _decorate(page.object_list),
            "counts": counts,
            "query": query.urlencode(),
            "serious_labels": _LABELS,
        }
        template = "pv/web/_queue_results.html" if is_htmx(request) else "pv/web/queue.html"
        response = render(request, template, context)
        # The same URL answers with a fragment or a page: caches must keep them apart.
        patch_vary_headers(response, ("HX-Request",))
        return response


def _row_response(request, item_id):
    item = triage_queue(status="all").filter(id=item_id).first()
    if item is None:  # pragma: no cover - the item was just read by the service
        return redirect("web:queue")
    # The row, and the counts above the table swapped out of band ("Claimed by me").
    return render(
        request,
        "pv/web/_queue_row.html",
        {
            "item": _decorate([item])[0],
            "serious_labels": _LABELS,
            "counts": queue_counts(user=request.user),
            "oob_counts": True,
        },
    )


class QueueClaimView(StaffRequiredMixin, View):
    def post(self, request, item_id):
        triage_item_claim(actor=request.user, item=triage_item_get(item_id=item_id))
        if is_htmx(request):
            return _row_response(request, item_id)
        return redirect(reverse("web:review", args=[item_id]))


class QueueReleaseView(StaffRequiredMixin, View):
    def post(self, request, item_id):
        triage_item_release(actor=request.user, item=triage_item_get(item_id=item_id))
        if is_htmx(request):
            return _row_response(request, item_id)
        return redirect(reverse("web:queue"))
