"""Plain data for the signal pages, and the partner-output pass over them.

The dashboard and trend pages are shared by reviewers and sponsors. Their contexts are plain
data (no model objects a template could read an unscrubbed field from); for a sponsor the whole
context goes through `pv.services.privacy.partner_output` with the page's declared-safe paths:
counts, measures, codes, periods, labels and chart geometry. Dictionary terms, product and
sponsor names are scrubbed like any other string.
"""

from __future__ import annotations

import math

from pv.core.partner_output import lazy_partner_scrubber
from pv.services.privacy import partner_output
from signals.models import SignalResult
from signals.selectors import STAFF
from signals.stats.priority import COMPONENTS, KNOWN_FACTOR, WEIGHTS

COMPONENT_LABELS = {
    "disproportionality": "Disproportionality (lower bound)",
    "designated_event": "Designated medical event",
    "seriousness": "Serious reports",
    "recency": "Reports in the last quarter",
    "completeness": "Well-documented reports",
    "dechallenge": "Positive dechallenge",
    "spread": "Countries",
}

_ROW_FIELDS = ("drug_key", "drug", "event", "soc", "n", "period", "fmt")
_ROW_EXTRA = ("trend_value", "trend_lower", "trend_upper")
_FLAGS = ("signal_prr", "signal_ror", "signal_ic", "signal_ebgm")

_CHART_SAFE = {
    f"chart.{f}"
    for f in (
        "width", "height", "band", "line", "x_ticks", "y_ticks", "threshold", "threshold_y",
        "left", "right", "top", "bottom", "fields", "label",
        "points.cx", "points.cy", "points.n", "points.ebgm", "points.eb05", "points.signal",
        "points.period", "points.value",
    )
}  # fmt: skip
_ROW_SAFE = {
    f"rows.{f}" for f in ("drug_key", "n", "period", "fmt", "priority", *_FLAGS, *_ROW_EXTRA)
}
_RUN_SAFE = {"run"}  # ids, levels, labels, counts, dates
_COMMON = {"is_social", "is_staff", "selected", "base", "measure", "measures", "statuses"}

DASHBOARD_SAFE = frozenset(
    {
        *_CHART_SAFE, *_ROW_SAFE, *_RUN_SAFE, *_COMMON,
        "products.id", "product.id", "signals.first_period", "signals.get_status_display",
        "signals.measures", "columns", "sources", "drug_levels", "event_levels", "trend_base",
        "export_url", "drug_keys", "signals.drug_key", "signals.status", "signals.figures",
        "signals.priority", "signals.reopened", "signals.drug_level", "known_factor",
        "interactions.n111", "interactions.n11", "interactions.fmt", "interactions.highlighted",
    }
)  # fmt: skip
TREND_SAFE = frozenset(
    {
        *_CHART_SAFE, *_ROW_SAFE, *_RUN_SAFE, *_COMMON,
        "pair.drug_key", "pair.n", "pair.period", "pair.fmt",
        *(f"pair.{f}" for f in (*_FLAGS, *_ROW_EXTRA)),
        "signal.first_period", "signal.get_status_display", "signal.figures",
        "signal.priority", "signal.reopened", "signal.status", "pair.priority",
    }
)  # fmt: skip


def row_data(row: SignalResult) -> dict:
    data = {f: getattr(row, f, None) for f in (*_ROW_FIELDS, *_FLAGS, *_ROW_EXTRA)}
    data["priority"] = priority_data(row)
    return {k: v for k, v in data.items() if v is not None or k in _ROW_FIELDS}


def _num(value) -> str:
    return "–" if value is None else f"{value:.2f}"


def priority_data(row) -> dict | None:
    """The score, whether the pair is known (listed), and every component with its weight and
    the figures it came from: why a pair ranks where it does. pv's own numbers and words."""
    if row is None or getattr(row, "priority_base", None) is None:
        return None
    parts = (row.priority_parts or {}).get("components", {})
    inputs = (row.priority_parts or {}).get("inputs", {})
    n = row.n
    basis = {
        "disproportionality": f"{inputs.get('measure', '').upper()} lower bound "
        + ("–" if inputs.get("lower") is None else f"{float(inputs['lower']):.3g}"),
        "designated_event": inputs.get("designated_event") or "not on the list",
        "seriousness": f"{inputs['n_serious']} of {n}" if "n_serious" in inputs else "",
        "recency": f"{inputs['n_recent']} of {n}" if "n_recent" in inputs else "",
        "completeness": f"{inputs['n_complete']} of {n}" if "n_complete" in inputs else "",
        "dechallenge": f"{inputs['n_dechallenge']} of {n}" if "n_dechallenge" in inputs else "",
        "spread": f"{inputs['countries']} countr{'y' if inputs.get('countries') == 1 else 'ies'}"
        if "countries" in inputs
        else "",
    }
    listed = bool(getattr(row, "listed", False))
    score = getattr(row, "priority", None)
    if score is None:
        score = row.priority_base * (KNOWN_FACTOR if listed else 1.0)
    return {
        "score": f"{score:.1f}",
        "value": score,
        "base": f"{row.priority_base:.1f}",
        "known": listed,
        "components": [
            {
                "name": name,
                "label": COMPONENT_LABELS[name],
                "value": _num(parts.get(name)),
                "available": parts.get(name) is not None,
                "weight": f"{WEIGHTS[name]:g}",
                "basis": basis[name] if parts.get(name) is not None else "not available",
            }
            for name in COMPONENTS
        ],
    }


def run_data(run) -> dict | None:
    if run is None:
        return None
    return {
        "id": str(run.id),
        "source": run.source,
        "drug_level": run.drug_level,
        "event_level": run.event_level,
        "get_source_display": run.get_source_display(),
        "get_drug_level_display": run.get_drug_level_display(),
        "get_event_level_display": run.get_event_level_display(),
        "latest_period": run.latest_period,
        "n_pairs": run.n_pairs,
        "n_reports": run.n_reports,
        "finished_at": run.finished_at,
        "periods": list(run.periods),
        "signal_measure": run.signal_measure,
        "subgroup": dict(run.subgroup),
        # pv's own words about the fit (periods, reason keys and their fixed explanations)
        "fit_warnings": list(run.fit_warnings),
        "is_published": run.is_published,
        "published_at": run.published_at,
        "interactions": run.interactions,
        "interaction_summary": dict(run.interaction_summary),
    }


def interaction_data(row, fmt) -> dict:
    """One screened (drug pair, event) for the dashboard; `fmt` is the page's number format."""
    return {
        "drug1": row.drug1,
        "drug2": row.drug2,
        "event": row.event,
        "n111": row.n111,
        "n11": row.n11,
        "highlighted": row.highlighted,
        "fmt": {f: fmt(getattr(row, f)) for f in ("expected", "omega", "omega025", "omega975")},
    }


def signal_data(signal) -> dict | None:
    """A record with its current figures: the stored row of the run on the page (`figures`,
    set by the view from `pair_figures`), never the figures of the run that first raised it."""
    if signal is None:
        return None
    row = getattr(signal, "figures", None)
    return {
        "event": signal.event,
        "drug_key": signal.drug_key,
        "drug_level": signal.drug_level,
        "first_period": signal.first_period,
        "status": signal.status,
        "get_status_display": signal.get_status_display(),
        "measures": list(signal.measures),
        "figures": None
        if row is None
        else {
            "n": row.n,
            "fmt": {f: fmt(getattr(row, f)) for f in ("eb05", "ebgm", "prr", "ror_lower95",
                                                          "ic025")},
            "period": row.period,
        },  # fmt: skip
        "priority": priority_data(row),
        "reopened": reopened_data(signal),
    }


def reopened_data(signal) -> dict | None:
    """'Re-raised on new data' with the decision it overrides (prior status, N then and now)."""
    if not signal.reopen_count:
        return None
    reason = signal.reopen_reason or {}
    return {
        "count": signal.reopen_count,
        "at": signal.reopened_at,
        "prior_status": reason.get("prior_status", ""),
        "prior_status_label": reason.get("prior_status_label", ""),
        "n_then": reason.get("n_then"),
        "n_now": reason.get("n_now"),
        "why": reason.get("why", ""),
        "period": reason.get("period", ""),
    }


def fmt(value) -> str:
    """Display text: 4 significant digits, Inf spelled out, NaN (stored as NULL) as a dash."""
    if value is None:
        return "–"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    return f"{value:.4g}"


def product_data(product) -> dict | None:
    if product is None:
        return None
    return {"id": str(product.id), "name": product.name, "sponsor": {"name": product.sponsor.name}}


def page_context(request, context: dict, *, safe: frozenset[str]) -> dict:
    """Staff get the plain context; a sponsor gets it through the partner-output path."""
    view = context.pop("view", None)
    if request.user.role not in STAFF:
        scrub = lazy_partner_scrubber(member=None, actor=request.user)
        context = partner_output(context, safe=safe, scrub=scrub)
    context["view"] = view
    return context
