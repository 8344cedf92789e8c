"""Listedness and priority on read: which pairs the reference safety information lists (known
reactions), and the `listed` / `priority` annotations every signals list sorts by.

The priority components and the score before listedness are stored per run
(`signals.services.priority`); listedness is applied here, when rows are read, because reviewers
keep the RSI between runs and a term added to a label must de-prioritise its pairs at once.
"""

from __future__ import annotations

import uuid

from django.db.models import BooleanField, Case, F, FloatField, Q, QuerySet, Value, When

from coding.nlp.dictionaries import default_events
from pv.models import ReferenceTerm
from pv.models.rsi import term_key
from pv.selectors import rsi_keys_by_ingredient, rsi_keys_by_product
from signals.models import DrugLevel
from signals.stats.priority import KNOWN_FACTOR


def listed_keys(*, drug_level: str, drug_keys=None) -> dict[str, set[str]]:
    """{drug key: name keys of the events its RSI lists}. Ingredient level: every product
    containing the ingredient (`rsi_keys_by_ingredient`); product level: the product's own
    RSI. An RSI entry given by an open-terminology code also lists that code's name."""
    if drug_level == DrugLevel.PRODUCT:
        ids = ReferenceTerm.objects.values_list("product_id", flat=True).distinct()
        if drug_keys is not None:
            ids = ids.filter(product_id__in=[k for k in drug_keys if _is_uuid(k)])
        raw = {str(k): v for k, v in rsi_keys_by_product(product_ids=list(ids)).items()}
    else:
        raw = rsi_keys_by_ingredient()
    if drug_keys is not None:
        wanted = set(drug_keys)
        raw = {k: v for k, v in raw.items() if k in wanted}
    names = default_events().names
    return {
        drug: {term_key(names[k]) if k in names else k for k in keys} for drug, keys in raw.items()
    }


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(str(text))
    except ValueError:
        return False
    return True


def listed_q(keys: dict[str, set[str]]) -> Q | None:
    """Rows whose (drug key, event) the RSI lists; None when nothing is listed."""
    q = None
    for drug, events in sorted(keys.items()):
        if events:
            part = Q(drug_key=drug, event_key__in=sorted(events))
            q = part if q is None else q | part
    return q


def with_priority(qs: QuerySet, *, keys: dict[str, set[str]] | None = None, q=None) -> QuerySet:
    """Annotate `listed` (known: the RSI lists the event for the drug) and `priority` (the
    stored base score, times KNOWN_FACTOR when listed) in SQL, so lists sort by it. The rows
    need `drug_key`, `event_key` and `priority_base` (fields or annotations)."""
    if keys is not None:
        q = listed_q(keys)
    if q is None:
        return qs.annotate(
            listed=Value(False, output_field=BooleanField()),
            priority=F("priority_base"),
        )
    return qs.annotate(
        listed=Case(When(q, then=Value(True)), default=Value(False), output_field=BooleanField()),
        priority=Case(
            When(q, then=F("priority_base") * Value(KNOWN_FACTOR)),
            default=F("priority_base"),
            output_field=FloatField(),
        ),
    )
