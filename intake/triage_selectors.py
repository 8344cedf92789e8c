"""Triage queue reads: the ordered, filtered queue, one item with its mentions, one mention."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from coding.selectors import coding_suggestions
from intake.models import Mention, MentionPair, TriageItem
from intake.queue_terms import SEP
from pv.core.exceptions import DomainError, NotFound

QUEUE_STATUSES = {
    "open": TriageItem.OPEN,
    **{s: (s,) for s in TriageItem.Status.values},
    "all": tuple(TriageItem.Status.values),
}


def _day_start(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.combine(value, time.min, tzinfo=timezone.get_current_timezone())


def _mentions_matching(kind: str, text: str) -> Exists:
    """The item's own mentions: a drug with the code or these words in its text or term; a
    reportable event with the code or PT code, or the words in its text, term, PT or LLT."""
    mentions = Mention.objects.filter(result=OuterRef("screening"), kind=kind)
    match = Q(code__iexact=text) | Q(term__icontains=text) | Q(text__icontains=text)
    if kind == Mention.Kind.EVENT:
        mentions = mentions.filter(reportable=True)
        match |= Q(pt__icontains=text) | Q(pt_code__iexact=text) | Q(llt__icontains=text)
    return Exists(mentions.filter(match))


def _terms_matching(kind: str, text: str) -> Q | Exists:
    """The same match read from the item's copied columns (`intake.queue_terms`): one row, no
    subquery. Words containing the separator (never typed in practice) take the mentions."""
    if SEP in text:
        return _mentions_matching(kind, text)
    return Q(**{f"{kind}_words__icontains": text}) | Q(
        **{f"{kind}_codes__icontains": f"{SEP}{text}{SEP}"}
    )


def _seriousness_matching(criterion: str) -> Q:
    """One criterion in the item's seriousness list (a JSON list of names, quoted)."""
    return Q(seriousness__icontains=f'"{criterion}"')


def triage_queue(
    *,
    status: str = "open",
    drug: str = "",
    event: str = "",
    serious: bool | None = None,
    seriousness: str = "",
    source: str = "",
    date_from: date | datetime | None = None,
    date_to: date | datetime | None = None,
    claimed: str = "",
    user=None,
) -> QuerySet[TriageItem]:
    """The queue, most serious and highest priority first, then oldest first.

    Constant queries for any page size: filters read the item's own columns (the drug and event
    words are copied from its mentions, `intake.queue_terms`) and the mentions shown in the list
    are prefetched in one query.
    """
    if status not in QUEUE_STATUSES:
        raise DomainError(
            f"Unknown status {status!r}.", code="invalid", extra={"allowed": sorted(QUEUE_STATUSES)}
        )
    qs = TriageItem.objects.filter(status__in=QUEUE_STATUSES[status])
    if drug:
        qs = qs.filter(_terms_matching(Mention.Kind.DRUG, drug))
    if event:
        qs = qs.filter(_terms_matching(Mention.Kind.EVENT, event))
    if serious is not None:
        qs = qs.filter(is_serious=serious)
    if seriousness:
        qs = qs.filter(_seriousness_matching(seriousness))
    if source:
        qs = qs.filter(source=source)
    if date_from:
        qs = qs.filter(item_at__gte=_day_start(date_from))
    if isinstance(date_to, datetime):
        qs = qs.filter(item_at__lte=date_to)
    elif date_to:  # a date: the whole day is included
        qs = qs.filter(item_at__lt=_day_start(date_to) + timedelta(days=1))
    if claimed == "me" and user is not None:
        qs = qs.filter(claimed_by=user)
    elif claimed == "no":
        qs = qs.filter(claimed_by__isnull=True)
    return (
        qs.select_related("post", "report", "claimed_by", "screening")
        .prefetch_related(
            Prefetch(
                "screening__mentions",
                queryset=Mention.objects.filter(
                    Q(kind=Mention.Kind.DRUG) | Q(reportable=True)
                ).order_by("position"),
                to_attr="queue_mentions",
            )
        )
        .order_by("-is_serious", "-priority", "item_at", "id")
    )


def triage_next_open(*, after: TriageItem, user=None) -> TriageItem | None:
    """The open item a reviewer takes up after deciding `after`: the first in queue order that
    is pending (not waiting for information) and not claimed by someone else."""
    qs = TriageItem.objects.filter(status=TriageItem.Status.PENDING).exclude(id=after.id)
    if user is not None:
        qs = qs.filter(Q(claimed_by__isnull=True) | Q(claimed_by=user))
    return qs.order_by("-is_serious", "-priority", "item_at", "id").only("id").first()


def triage_item_get(*, item_id) -> TriageItem:
    item = (
        TriageItem.objects.select_related(
            "post__member", "report__member", "claimed_by", "decided_by", "screening", "case"
        )
        .prefetch_related(
            Prefetch(
                "screening__mentions",
                queryset=Mention.objects.order_by("position").select_related("coded_by"),
            )
        )
        .filter(id=item_id)
        .first()
    )
    if item is None:
        raise NotFound("Triage item not found.")
    return item


def triage_item_pairs(*, item: TriageItem) -> list[list[str]]:
    return [
        [str(d), str(e)]
        for d, e in MentionPair.objects.filter(result=item.screening_id).values_list(
            "drug_id", "event_id"
        )
    ]


def mention_get(*, mention_id) -> Mention:
    mention = Mention.objects.select_related("result", "coded_by").filter(id=mention_id).first()
    if mention is None:
        raise NotFound("Mention not found.")
    return mention


def mention_suggestions(*, mention: Mention, limit: int = 5) -> list[dict]:
    return coding_suggestions(kind=mention.kind, text=mention.text, limit=limit)
