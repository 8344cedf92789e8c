"""Signals dashboard pages: a product's events (sortable table + EB05-against-N overview) and a
pair's time trend with its interval band. Charts are inline SVG built here, server-side: no
script or asset is fetched at runtime, and every chart has a table with the same numbers."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.http import urlencode
from django.views.generic import TemplateView

from pv.core.exceptions import DomainError, NotFound
from pv.selectors import product_list_visible_to
from signals.models import DrugLevel, EventLevel, Signal, SignalResult, Source
from signals.page_data import (
    DASHBOARD_SAFE,
    TREND_SAFE,
    fmt,
    interaction_data,
    page_context,
    product_data,
    row_data,
    run_data,
    signal_data,
)
from signals.selectors import (
    STAFF,
    interaction_list,
    pair_figures,
    product_drug_keys,
    signal_list_visible,
    signal_result_list,
    signal_run_get_visible,
    signal_run_latest,
    signal_scope,
    signal_trend,
)

# Table columns: (field, label); every one sortable.
COLUMNS = [
    ("event", "Event"),
    ("priority", "Priority"),
    ("soc", "SOC"),
    ("n", "N"),
    ("expected", "E"),
    ("prr", "PRR"),
    ("chi2", "χ²"),
    ("ror_lower95", "ROR 2.5%"),
    ("ic025", "IC025"),
    ("ebgm", "EBGM"),
    ("eb05", "EB05"),
    ("eb95", "EB95"),
]
TREND_MEASURES = {
    # measure: (label, value field, lower, upper, threshold, log scale)
    "ebgm": ("EBGM with EB05–EB95", "ebgm", "eb05", "eb95", 2.0, True),
    "prr": ("PRR with 95% CI", "prr", "prr_lower95", "prr_upper95", 2.0, True),
    "ror": ("ROR with 95% CI", "ror", "ror_lower95", "ror_upper95", 1.0, True),
    "ic": ("IC with IC025–IC975", "ic", "ic025", "ic975", 0.0, False),
}
MAX_ROWS = 500
MAX_INTERACTIONS = 50
W, H, PAD_L, PAD_R, PAD_T, PAD_B = 640, 320, 56, 16, 16, 44


def _finite(value) -> bool:
    return value is not None and math.isfinite(value)


def _with_text(rows) -> list:
    rows = list(rows)
    for r in rows:
        r.fmt = {f: fmt(getattr(r, f)) for f in SignalResult.MEASURE_FIELDS}
    return rows


@dataclass
class Axis:
    lo: float
    hi: float
    log: bool
    start: float
    end: float

    def __call__(self, value: float) -> float:
        f = (lambda v: math.log10(v)) if self.log else (lambda v: v)
        span = (f(self.hi) - f(self.lo)) or 1.0
        clipped = min(max(value, self.lo), self.hi)
        return round(self.start + (f(clipped) - f(self.lo)) / span * (self.end - self.start), 1)

    def ticks(self) -> list[tuple[float, str]]:
        if self.log:
            lo, hi = math.floor(math.log10(self.lo)), math.ceil(math.log10(self.hi))
            marks = [10.0**k for k in range(lo, hi + 1)]
            marks += [2 * m for m in marks if self.lo <= 2 * m <= self.hi]
        else:
            step = (self.hi - self.lo) / 4 or 1.0
            marks = [self.lo + i * step for i in range(5)]
        return [(self(m), f"{m:g}") for m in sorted(marks) if self.lo <= m <= self.hi]


def _log_axis(values: list[float], start: float, end: float, floor=0.01) -> Axis:
    vals = [v for v in values if _finite(v) and v > 0] or [1.0]
    lo, hi = max(min(vals) / 1.5, floor), max(vals) * 1.5
    return Axis(lo, max(hi, lo * 10), True, start, end)


def overview_chart(rows) -> dict:
    """EB05 (log) against N (log) for every event of a product; threshold line at EB05 = 2."""
    x = _log_axis([r.n for r in rows] + [1, 10], PAD_L, W - PAD_R, floor=0.8)
    y = _log_axis([r.eb05 for r in rows] + [2.0], H - PAD_B, PAD_T)
    points = [
        {
            "cx": x(r.n),
            "cy": y(r.eb05),
            "signal": r.eb05 >= 2,
            "event": r.event,
            "n": r.n,
            "eb05": r.eb05,
            "ebgm": r.ebgm,
        }
        for r in rows
        if _finite(r.eb05) and r.eb05 > 0
    ]
    return {
        "width": W,
        "height": H,
        "points": points,
        "x_ticks": x.ticks(),
        "y_ticks": y.ticks(),
        "threshold_y": y(2.0),
        "left": PAD_L,
        "right": W - PAD_R,
        "top": PAD_T,
        "bottom": H - PAD_B,
    }


def trend_chart(rows, measure: str) -> dict:
    """The measure per quarter as a line, its interval as a band, and the threshold line."""
    label, value_f, lower_f, upper_f, threshold, log = TREND_MEASURES[measure]
    values = [getattr(r, f) for r in rows for f in (value_f, lower_f, upper_f)] + [threshold]
    if log:
        y = _log_axis(values, H - PAD_B, PAD_T)
    else:
        finite = [v for v in values if _finite(v)]
        lo, hi = min(finite), max(finite)
        margin = (hi - lo) * 0.1 or 1.0
        y = Axis(lo - margin, hi + margin, False, H - PAD_B, PAD_T)
    n, inset = len(rows), 32  # keep the first and last quarter labels inside the frame
    width = W - PAD_L - PAD_R - 2 * inset
    step = width / max(n - 1, 1)
    xs = [round(PAD_L + inset + (i * step if n > 1 else width / 2), 1) for i in range(n)]

    def at(value, fallback):
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return fallback
        return y(value)

    line = [(xs[i], at(getattr(r, value_f), None)) for i, r in enumerate(rows)]
    upper = [(xs[i], at(getattr(r, upper_f), PAD_T)) for i, r in enumerate(rows)]
    lower = [(xs[i], at(getattr(r, lower_f), H - PAD_B)) for i, r in enumerate(rows)]
    band = " ".join(f"{px},{py}" for px, py in upper + lower[::-1])
    return {
        "width": W,
        "height": H,
        "label": label,
        "band": band,
        "line": " ".join(f"{px},{py}" for px, py in line if py is not None),
        "points": [
            {"cx": px, "cy": py, "period": r.period, "value": getattr(r, value_f)}
            for (px, py), r in zip(line, rows, strict=True)
            if py is not None
        ],
        "x_ticks": [(xs[i], r.period) for i, r in enumerate(rows)],
        "y_ticks": y.ticks(),
        "threshold_y": y(threshold),
        "threshold": threshold,
        "left": PAD_L,
        "right": W - PAD_R,
        "top": PAD_T,
        "bottom": H - PAD_B,
        "fields": (value_f, lower_f, upper_f),
    }


class _SignalsPage(LoginRequiredMixin, TemplateView):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.role not in (*STAFF, "sponsor"):
            raise PermissionDenied("Signals dashboards are for safety reviewers and sponsors.")
        return super().dispatch(request, *args, **kwargs)


class SignalDashboardView(_SignalsPage):
    template_name = "signals/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, q = self.request.user, self.request.GET
        products = list(product_list_visible_to(user=user).order_by("name"))
        if user.role == "sponsor":
            products = [p for p in products if p.sponsor_id == user.partner_id]
        source = q.get("source", Source.CASES)
        drug_level = q.get("drug_level", DrugLevel.INGREDIENT)
        event_level = q.get("event_level", EventLevel.PT)
        if (
            source not in Source.values
            or drug_level not in DrugLevel.values
            or (event_level not in EventLevel.values)
        ):
            raise Http404("Unknown source or level.")
        product = products[0] if products and not q.get("product") else None
        if q.get("product"):
            product = next((p for p in products if str(p.id) == q["product"]), None)
            if product is None:
                raise Http404("Product not found.")
        sort = q.get("sort", "priority")
        descending = q.get("dir", "desc") == "desc"
        if sort not in dict(COLUMNS):
            sort = "priority"
        run = signal_run_latest(
            source=source,
            drug_level=drug_level,
            event_level=event_level,
            published_only=user.role not in STAFF,
        )
        rows, signals = [], []
        if run is not None and product is not None:
            scope = signal_scope(user=user)
            rows = _with_text(
                signal_result_list(
                    user=user,
                    run=run,
                    scope=scope,
                    product=product,
                    ordering=("-" if descending else "") + sort,
                )[:MAX_ROWS]
            )
            # The run's own levels only (an ingredient-level and a product-level record of one
            # event are two analyses), each with its figures from this run's stored row: the
            # same row as the events table, the trend's last point and the CSV.
            signals = list(
                signal_list_visible(
                    user=user,
                    scope=scope,
                    product=product,
                    source=source,
                    drug_level=drug_level,
                    event_level=event_level,
                )[:50]
            )
            figures = pair_figures(run=run, pairs=[(s.drug_key, s.event) for s in signals])
            for s in signals:
                s.figures = figures.get((s.drug_key, s.event))
        interactions = []
        if run is not None and product is not None and run.interactions:
            keys = product_drug_keys(product=product, drug_level=drug_level)
            found = interaction_list(user=user, run=run, drug_keys=keys)[:MAX_INTERACTIONS]
            interactions = [interaction_data(i, fmt) for i in found]
        base = {"source": source, "drug_level": drug_level, "event_level": event_level}
        if product is not None:
            base["product"] = str(product.id)
        context.update(
            products=[product_data(p) for p in products],
            product=product_data(product),
            run=run_data(run),
            rows=[row_data(r) for r in rows],
            signals=[signal_data(s) for s in signals],
            interactions=interactions,
            sources=Source.choices,
            drug_levels=DrugLevel.choices,
            event_levels=EventLevel.choices,
            selected=base,
            is_social=source == Source.SOCIAL,
            chart=overview_chart(rows) if rows else None,
            columns=[
                {
                    "field": f,
                    "label": label,
                    "active": f == sort,
                    "aria": ("descending" if descending else "ascending") if f == sort else "none",
                    "url": "?"
                    + urlencode(
                        {**base, "sort": f, "dir": "asc" if f == sort and descending else "desc"}
                    ),
                }
                for f, label in COLUMNS
            ],
            trend_base=reverse("signals-trend"),
            export_url=(
                reverse("signal-result-export")
                + "?"
                + urlencode({"run": str(run.id), "product": str(product.id)})
            )
            if run and product
            else "",
            is_staff=user.role in STAFF,
            drug_keys=product_drug_keys(product=product, drug_level=drug_level) if product else [],
        )
        return page_context(self.request, context, safe=DASHBOARD_SAFE)


class SignalTrendView(_SignalsPage):
    template_name = "signals/trend.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        q, user = self.request.GET, self.request.user
        measure = q.get("measure", "ebgm")
        if measure not in TREND_MEASURES or not q.get("run") or not q.get("drug"):
            raise Http404("Unknown measure, run or pair.")
        try:
            run = signal_run_get_visible(user=user, run_id=q["run"])
            rows = _with_text(
                list(signal_trend(user=user, run=run, drug_key=q["drug"], event=q.get("event", "")))
            )
        except (NotFound, DomainError, ValueError, ValidationError) as exc:
            raise Http404("Unknown run or pair.") from exc
        if not rows:
            raise Http404("No results for this pair in this run.")
        value_f, lower_f, upper_f = TREND_MEASURES[measure][1:4]
        for r in rows:
            r.trend_value, r.trend_lower, r.trend_upper = (
                fmt(getattr(r, f)) for f in (value_f, lower_f, upper_f)
            )
        signal = (
            signal_list_visible(
                user=user,
                source=run.source,
                drug_level=run.drug_level,
                event_level=run.event_level,
            )
            .filter(drug_key=q["drug"], event=q.get("event", ""))
            .first()
        )
        if signal is not None:
            signal.figures = rows[-1] if rows[-1].is_latest else None
        context.update(
            run=run_data(run),
            rows=[row_data(r) for r in rows],
            pair=row_data(rows[-1]),
            measure=measure,
            chart=trend_chart(rows, measure),
            measures=[(k, v[0]) for k, v in TREND_MEASURES.items()],
            is_social=run.source == Source.SOCIAL,
            signal=signal_data(signal),
            statuses=dict(Signal.Status.choices),
            base={"run": str(run.id), "drug": q["drug"], "event": q.get("event", "")},
        )
        return page_context(self.request, context, safe=TREND_SAFE)
