"""Reads for signals, scoped to what the caller may see.

Scope: safety reviewers and admins see everything. A sponsor sees results and signal records
only for the drug keys of its own products (ingredient names at ingredient level, its product
ids at product level); anything else is absent from lists and 404 by id, exactly like a row
that does not exist. Other roles are refused by the API's permission class before this runs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import F, OuterRef, Q, QuerySet, Subquery

from pv.core.exceptions import DomainError, NotFound
from pv.models import Product, User
from pv.selectors import product_list_visible_to
from signals.listedness import listed_keys, listed_q, with_priority
from signals.models import (
    DrugLevel,
    EventLevel,
    ExternalDataset,
    InteractionResult,
    Signal,
    SignalResult,
    SignalRun,
)

STAFF = (User.Role.REVIEWER, User.Role.ADMIN)
SIGNAL_FLAGS = {"prr": "signal_prr", "ror": "signal_ror", "ic": "signal_ic", "ebgm": "signal_ebgm"}
ORDERABLE = (
    *SignalResult.MEASURE_FIELDS, "drug", "event", "soc", "n_drug", "n_event", "qn", "priority",
)  # fmt: skip


@dataclass(frozen=True)
class Scope:
    """Drug keys the caller may see; ``everything`` for staff."""

    everything: bool = False
    ingredients: frozenset[str] = field(default_factory=frozenset)
    products: frozenset[str] = field(default_factory=frozenset)

    def keys(self, drug_level: str) -> frozenset[str]:
        return self.products if drug_level == DrugLevel.PRODUCT else self.ingredients

    def allows(self, drug_level: str, drug_key: str) -> bool:
        return self.everything or drug_key in self.keys(drug_level)


def signal_scope(*, user: User) -> Scope:
    """One query for a sponsor (its products), none for staff."""
    if user.role in STAFF:
        return Scope(everything=True)
    if user.role != User.Role.SPONSOR:
        return Scope()
    ingredients, products = set(), set()
    for pid, ings in Product.objects.filter(sponsor_id=user.partner_id).values_list(
        "id", "ingredients"
    ):
        products.add(str(pid))
        ingredients.update(str(i).strip().lower() for i in ings or [])
    return Scope(ingredients=frozenset(ingredients), products=frozenset(products))


def product_get_visible(*, user: User, product_id) -> Product:
    product = product_list_visible_to(user=user).filter(id=product_id).first()
    if product is None or (
        user.role == User.Role.SPONSOR and product.sponsor_id != user.partner_id
    ):
        raise NotFound("Product not found.")
    return product


def product_drug_keys(*, product: Product, drug_level: str) -> list[str]:
    if drug_level == DrugLevel.PRODUCT:
        return [str(product.id)]
    return [str(i).strip().lower() for i in product.ingredients or []]


# --- runs ----------------------------------------------------------------------------------


def signal_run_list_visible(*, user: User) -> QuerySet[SignalRun]:
    """Staff see every run; sponsors the succeeded ones (run metadata holds no product data)."""
    qs = SignalRun.objects.prefetch_related("datasets").order_by("-created_at")
    if user.role in STAFF:
        return qs
    if user.role == User.Role.SPONSOR:
        # Sponsors see published runs only: a reviewer's exploratory run never replaces them.
        return qs.filter(status=SignalRun.Status.SUCCEEDED, is_published=True)
    return qs.none()


def signal_run_get_visible(*, user: User, run_id) -> SignalRun:
    run = signal_run_list_visible(user=user).filter(id=run_id).first()
    if run is None:
        raise NotFound("Signal run not found.")
    return run


def signal_run_latest(
    *,
    source: str,
    drug_level: str = DrugLevel.INGREDIENT,
    event_level: str = EventLevel.PT,
    published_only: bool = False,
) -> SignalRun | None:
    """The latest succeeded run of a source at the levels; with `published_only`, the published
    one (what sponsors see)."""
    qs = SignalRun.objects.filter(
        source=source,
        drug_level=drug_level,
        event_level=event_level,
        status=SignalRun.Status.SUCCEEDED,
    )
    if published_only:
        qs = qs.filter(is_published=True)
    return qs.order_by("-finished_at", "-created_at").first()


def signal_run_pick(
    *, user: User, run_id=None, source: str = "cases", drug_level: str = "", event_level: str = ""
) -> SignalRun:
    """The run a results query is about: the given id, else the latest succeeded run of the
    source at the levels (ingredient x PT by default)."""
    if run_id:
        return signal_run_get_visible(user=user, run_id=run_id)
    sponsor = user.role not in STAFF
    run = signal_run_latest(
        source=source,
        drug_level=drug_level or DrugLevel.INGREDIENT,
        event_level=event_level or EventLevel.PT,
        published_only=sponsor,
    )
    if run is None:
        raise NotFound(
            "No published signal run for this source and levels yet."
            if sponsor
            else "No completed signal run for this source and levels yet."
        )
    return run


# --- results -------------------------------------------------------------------------------


def signal_result_list(
    *,
    user: User,
    run: SignalRun,
    scope: Scope | None = None,
    product: Product | None = None,
    drug: str = "",
    event: str = "",
    soc: str = "",
    measure: str = "",
    threshold: float | None = None,
    signal: str = "",
    period: str = "",
    ordering: str = "",
) -> QuerySet[SignalResult]:
    """One period of a run (the latest unless ``period``), filtered and ordered in SQL."""
    scope = scope or signal_scope(user=user)
    qs = SignalResult.objects.filter(run=run)
    qs = qs.filter(period=period) if period else qs.filter(is_latest=True)
    keys = None
    if not scope.everything:
        keys = sorted(scope.keys(run.drug_level))
        qs = qs.filter(drug_key__in=keys)
    if product is not None:
        keys = product_drug_keys(product=product, drug_level=run.drug_level)
        qs = qs.filter(drug_key__in=keys)
    qs = with_priority(qs, keys=listed_keys(drug_level=run.drug_level, drug_keys=keys))
    if drug:
        qs = qs.filter(Q(drug__iexact=drug) | Q(drug_key=drug))
    if event:
        qs = qs.filter(event__iexact=event)
    if soc:
        qs = qs.filter(soc__iexact=soc)
    if threshold is not None:
        if measure not in SignalResult.MEASURE_FIELDS:
            raise DomainError(
                "A threshold needs a measure.",
                code="invalid",
                extra={"measures": list(SignalResult.MEASURE_FIELDS)},
            )
        if not math.isfinite(threshold):
            raise DomainError("threshold must be a finite number.", code="invalid")
        qs = qs.filter(**{f"{measure}__gte": threshold})
    elif measure and measure not in SignalResult.MEASURE_FIELDS:
        raise DomainError(f"Unknown measure {measure!r}.", code="invalid")
    if signal:
        if signal == "any":
            qs = qs.filter(
                Q(signal_prr=True) | Q(signal_ror=True) | Q(signal_ic=True) | Q(signal_ebgm=True)
            )
        elif signal in SIGNAL_FLAGS:
            qs = qs.filter(**{SIGNAL_FLAGS[signal]: True})
        else:
            raise DomainError("signal must be prr, ror, ic, ebgm or any.", code="invalid")
    # Default: the priority score (stored for the latest quarter), else EB05 for older quarters.
    default = f"-{measure}" if measure else ("-eb05" if period else "-priority")
    return qs.order_by(*_ordering(ordering or default))


def _ordering(text: str) -> list:
    name = text.lstrip("-")
    if name not in ORDERABLE:
        raise DomainError(
            f"Cannot order by {name!r}.", code="invalid", extra={"orderable": list(ORDERABLE)}
        )
    expr = F(name).desc(nulls_last=True) if text.startswith("-") else F(name).asc(nulls_last=True)
    if name == "priority":  # ties (e.g. no score stored) by the screening evidence
        return [expr, F("eb05").desc(nulls_last=True), "drug", "event"]
    return [expr, "drug", "event"]


def signal_trend(*, user: User, run: SignalRun, drug_key: str, event: str) -> QuerySet:
    """Every period of one pair in a run (a pair outside the caller's scope is 404)."""
    if not signal_scope(user=user).allows(run.drug_level, drug_key):
        raise NotFound("Pair not found.")
    qs = SignalResult.objects.filter(run=run, drug_key=drug_key, event=event).order_by("period")
    qs = with_priority(qs, keys=listed_keys(drug_level=run.drug_level, drug_keys=[drug_key]))
    if not qs.exists():
        raise NotFound("Pair not found.")
    return qs


def signal_overview(*, user: User, run: SignalRun, product: Product) -> QuerySet[SignalResult]:
    """Every event of a product in a run's latest period (the EB05-against-N plot)."""
    return signal_result_list(user=user, run=run, product=product, ordering="-eb05")


def pair_figures(*, run: SignalRun | None, pairs) -> dict[tuple[str, str], SignalResult]:
    """The one source of a pair's figures: its stored row in `run`'s latest quarter (the row
    the events table, the trend's last point and the CSV show), with listedness and priority.
    `pairs`: (drug key, event) tuples; pairs the run did not score are absent."""
    pairs = {(str(d), e) for d, e in pairs}
    if run is None or not pairs:
        return {}
    q = Q()
    for drug, event in sorted(pairs):
        q |= Q(drug_key=drug, event=event)
    drugs = sorted({d for d, _ in pairs})
    qs = with_priority(
        SignalResult.objects.filter(q, run=run, is_latest=True),
        keys=listed_keys(drug_level=run.drug_level, drug_keys=drugs),
    )
    return {(r.drug_key, r.event): r for r in qs}


# --- signal records ------------------------------------------------------------------------


RECORD_ORDERING = ("priority", "-priority", "created_at", "-created_at", "first_period",
                   "-first_period")  # fmt: skip


def _figures_subquery(*, staff: bool) -> QuerySet[SignalResult]:
    """A record's row in the run its viewer is shown for its source and levels: the latest
    succeeded run for staff, the published one for sponsors (as the dashboard picks)."""
    qs = SignalResult.objects.filter(
        run__source=OuterRef("source"),
        run__drug_level=OuterRef("drug_level"),
        run__event_level=OuterRef("event_level"),
        run__status=SignalRun.Status.SUCCEEDED,
        is_latest=True,
        drug_key=OuterRef("drug_key"),
        event=OuterRef("event"),
    )
    if not staff:
        qs = qs.filter(run__is_published=True)
    return qs.order_by("-run__finished_at", "-run__created_at")


def signal_list_visible(
    *,
    user: User,
    scope: Scope | None = None,
    status: str = "",
    source: str = "",
    product: Product | None = None,
    event: str = "",
    drug_level: str = "",
    event_level: str = "",
    ordering: str = "",
) -> QuerySet[Signal]:
    """Signal records, each annotated with `figures_id` (its row in the run its viewer sees:
    `pair_figures_by_id` reads it), `listed` and `priority` from that row; default order by
    priority (highest first, records without a current row last), then newest."""
    scope = scope or signal_scope(user=user)
    figures = _figures_subquery(staff=scope.everything)
    qs = Signal.objects.select_related("first_run", "last_run").annotate(
        figures_id=Subquery(figures.values("id")[:1]),
        event_key=Subquery(figures.values("event_key")[:1]),
        priority_base=Subquery(figures.values("priority_base")[:1]),
    )
    if not scope.everything:
        # Sponsors see records only once a published run has raised or confirmed them.
        qs = qs.filter(Q(first_run__is_published=True) | Q(last_run__is_published=True))
        qs = qs.filter(
            Q(drug_level=DrugLevel.INGREDIENT, drug_key__in=sorted(scope.ingredients))
            | Q(drug_level=DrugLevel.PRODUCT, drug_key__in=sorted(scope.products))
        )
    if status:
        if status not in Signal.Status.values:
            raise DomainError(f"Unknown status {status!r}.", code="invalid")
        qs = qs.filter(status=status)
    if source:
        qs = qs.filter(source=source)
    if drug_level:
        qs = qs.filter(drug_level=drug_level)
    if event_level:
        qs = qs.filter(event_level=event_level)
    keys = {DrugLevel.INGREDIENT: None, DrugLevel.PRODUCT: None}
    if not scope.everything:
        keys = {DrugLevel.INGREDIENT: scope.ingredients, DrugLevel.PRODUCT: scope.products}
    if product is not None:
        ingredients = product_drug_keys(product=product, drug_level=DrugLevel.INGREDIENT)
        qs = qs.filter(
            Q(drug_level=DrugLevel.INGREDIENT, drug_key__in=ingredients)
            | Q(drug_level=DrugLevel.PRODUCT, drug_key=str(product.id))
        )
        keys = {DrugLevel.INGREDIENT: ingredients, DrugLevel.PRODUCT: [str(product.id)]}
    if event:
        qs = qs.filter(event__iexact=event)
    listed = None
    for level in (drug_level,) if drug_level else (DrugLevel.INGREDIENT, DrugLevel.PRODUCT):
        part = listed_q(listed_keys(drug_level=level, drug_keys=keys[level]))
        if part is not None:
            part &= Q(drug_level=level)
            listed = part if listed is None else listed | part
    qs = with_priority(qs, q=listed)
    ordering = ordering or "-priority"
    if ordering not in RECORD_ORDERING:
        raise DomainError(
            f"Cannot order records by {ordering!r}.",
            code="invalid",
            extra={"orderable": list(RECORD_ORDERING)},
        )
    name = ordering.lstrip("-")
    expr = F(name).desc(nulls_last=True) if ordering[0] == "-" else F(name).asc(nulls_last=True)
    return qs.order_by(expr, "-created_at")


def pair_figures_by_id(ids) -> dict:
    """{SignalResult id: row} for the `figures_id` of a page of records (one query)."""
    ids = [i for i in ids if i is not None]
    if not ids:
        return {}
    return {r.id: r for r in SignalResult.objects.filter(id__in=ids)}


def signal_get_visible(*, user: User, signal_id) -> Signal:
    signal = (
        signal_list_visible(user=user)
        .prefetch_related("transitions__reviewer")
        .filter(id=signal_id)
        .first()
    )
    if signal is None:
        raise NotFound("Signal not found.")
    return signal


def external_dataset_list() -> QuerySet[ExternalDataset]:
    return ExternalDataset.objects.order_by("-created_at")


def interaction_list(
    *,
    user: User,
    run: SignalRun,
    drug: str = "",
    event: str = "",
    highlighted: bool = False,
    drug_keys: Sequence[str] = (),
) -> QuerySet[InteractionResult]:
    """A run's screened (drug pair, event) triples, by Omega025; a sponsor sees the triples
    where either drug is one of its own; ``drug_keys`` narrows to a product's drugs."""
    scope = signal_scope(user=user)
    qs = InteractionResult.objects.filter(run=run)
    if not scope.everything:
        keys = sorted(scope.keys(run.drug_level))
        qs = qs.filter(Q(drug1_key__in=keys) | Q(drug2_key__in=keys))
    if drug:
        qs = qs.filter(
            Q(drug1__iexact=drug) | Q(drug1_key=drug) | Q(drug2__iexact=drug) | Q(drug2_key=drug)
        )
    if event:
        qs = qs.filter(event__iexact=event)
    if highlighted:
        qs = qs.filter(highlighted=True)
    if drug_keys:
        qs = qs.filter(Q(drug1_key__in=list(drug_keys)) | Q(drug2_key__in=list(drug_keys)))
    return qs.order_by(F("omega025").desc(nulls_last=True), "drug1", "drug2", "event")
