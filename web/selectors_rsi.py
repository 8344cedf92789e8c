"""Reads for the reference safety information (RSI) pages and for expectedness on case pages.

The RSI itself and the expectedness rule live in `pv` (`pv.models.rsi`, `pv.services.rsi`,
`pv.selectors.case_expectedness`); this module only shapes them for pages."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from pv.models import Case, CaseDrug, Product, User
from pv.selectors import case_expectedness, product_list_visible_to

LISTED, UNLISTED, NO_RSI = "listed", "unlisted", "no_rsi"
EXPECTEDNESS_LABELS = {
    LISTED: "Listed (expected)",
    UNLISTED: "Unlisted (unexpected)",
    NO_RSI: "No RSI for this product",
}


def product_list_with_rsi_counts(*, user: User) -> QuerySet[Product]:
    """The products `user` may see, each with `rsi_count` (its number of expected terms)."""
    return product_list_visible_to(user=user).annotate(rsi_count=Count("reference_terms"))


def expectedness_rows(*, case: Case, drugs: list[CaseDrug], reactions: list) -> list[dict]:
    """One row per suspect (or interacting) drug × reaction: listed / unlisted / no RSI, and
    whether the pair is serious and unexpected (the expedited-reporting pair for sponsors:
    21 CFR 314.80, EU GVP VI)."""
    verdicts = case_expectedness(case=case, drugs=drugs, reactions=reactions)
    rows = []
    for d in drugs:
        if d.role == CaseDrug.Role.CONCOMITANT:
            continue
        for r in reactions:
            verdict = verdicts.get((d.id, r.id))
            state = NO_RSI if verdict is None else LISTED if verdict else UNLISTED
            serious = r.is_serious
            rows.append(
                {
                    "drug": d,
                    "reaction": r,
                    "state": state,
                    "label": EXPECTEDNESS_LABELS[state],
                    "serious": serious,
                    "serious_unexpected": serious and state == UNLISTED,
                }
            )
    return rows
