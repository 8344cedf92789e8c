"""The partner inbox: a partner's received submissions, filtered and sorted from the URL.

One query for the page's rows (case, member and recipient joined) and one count; the filters
are plain column conditions and one EXISTS for the product, so the page costs the same for 10
rows or 100,000.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet

from pv.core.models import SERIOUSNESS_FIELDS
from pv.models import CaseDrug, Product, User
from submissions.models import Submission
from submissions.selectors import submission_list_visible_to

_ACKED = (Submission.AckResult.ACCEPTED, Submission.AckResult.ACCEPTED_WITH_ERRORS)
# What the partner did with a submission, as the partner says it.
INBOX_STATES = {
    "new": "New (not yet downloaded)",
    "downloaded": "Downloaded, not acknowledged",
    "acknowledged": "Acknowledged",
    "rejected": "Rejected by you",
}
INBOX_SORTS = {
    "received": "Newest received first",
    "due": "Due date, soonest first",
    "seriousness": "Serious first, then due date",
}
_SERIOUS = Q()
for _f in SERIOUSNESS_FIELDS:
    _SERIOUS |= Q(**{f"case__{_f}": True})


@dataclass(frozen=True)
class InboxFilters:
    product: str = ""  # a product id (only the partner's visible products are offered)
    seriousness: str = ""  # "serious" | "non_serious" | ""
    state: str = ""  # a key of INBOX_STATES, or ""
    received_from: date | None = None
    received_to: date | None = None
    sort: str = "received"


def inbox_state(submission: Submission) -> str:
    """The partner-facing state of one submission (a key of INBOX_STATES)."""
    if submission.ack_result == Submission.AckResult.REJECTED:
        return "rejected"
    if submission.ack_result in _ACKED:
        return "acknowledged"
    if submission.status == Submission.Status.VALIDATED:
        return "new"
    return "downloaded"


def _state_q(state: str) -> Q:
    if state == "rejected":
        return Q(ack_result=Submission.AckResult.REJECTED)
    if state == "acknowledged":
        return Q(ack_result__in=_ACKED)
    if state == "new":
        return Q(status=Submission.Status.VALIDATED, ack_result="")
    if state == "downloaded":
        return Q(ack_result="") & ~Q(status=Submission.Status.VALIDATED)
    return Q()


def _drugs_of_product(product_id) -> QuerySet[CaseDrug]:
    """Suspect or interacting drugs that are the product: linked to it, or reported by its name
    or one of its ingredients (as routing matches a sponsor's products)."""
    product = Product.objects.filter(id=product_id).values("name", "ingredients").first()
    names = [product["name"], *product["ingredients"]] if product else []
    by_name = Q()
    for name in names:
        by_name |= Q(name_reported__iexact=str(name).strip())
    return CaseDrug.objects.filter(
        Q(product_id=product_id) | by_name,
        role__in=(CaseDrug.Role.SUSPECT, CaseDrug.Role.INTERACTING),
    )


def partner_inbox(*, user: User, filters: InboxFilters | None = None) -> QuerySet[Submission]:
    """The partner's received submissions, filtered and in the chosen order."""
    f = filters or InboxFilters()
    qs = submission_list_visible_to(user=user).select_related("case", "case__member", "recipient")
    if f.product:
        qs = qs.filter(Exists(_drugs_of_product(f.product).filter(case_id=OuterRef("case_id"))))
    if f.seriousness == "serious":
        qs = qs.filter(_SERIOUS)
    elif f.seriousness == "non_serious":
        qs = qs.exclude(_SERIOUS)
    if f.state:
        qs = qs.filter(_state_q(f.state))
    if f.received_from:
        qs = qs.filter(created_at__date__gte=f.received_from)
    if f.received_to:
        qs = qs.filter(created_at__date__lte=f.received_to)
    if f.sort == "due":
        return qs.order_by("due_date", "-created_at", "id")
    if f.sort == "seriousness":
        # Serious first: the flags are booleans, so "any flag" sorts as their maximum.
        return qs.order_by(*(f"-case__{s}" for s in SERIOUSNESS_FIELDS), "due_date", "id")
    return qs.order_by("-created_at", "id")
