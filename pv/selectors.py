"""Reads of pv's own models, scoped to what the caller may see."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

from pv.core.exceptions import NotFound
from pv.models import Case, CaseDrug, CaseReaction, Member, Partner, Product, User

_CASE_SNAPSHOT_FIELDS = [
    f.name
    for f in Case._meta.concrete_fields
    # e2b_document: the received ICSR, fixed on its (immutable) version row; too large and too
    # raw for audit records and version diffs. routed_at is the outbox's bookkeeping.
    if f.name
    not in {
        "id", "created_at", "updated_at", "member", "predecessor", "created_by", "e2b_document",
        "routed_at",
    }
]
_CHILD_SKIP = {"id", "case", "created_at", "updated_at"}


def _row(obj, skip: set[str]) -> dict[str, Any]:
    out = {}
    for field in obj._meta.concrete_fields:
        if field.name in skip:
            continue
        out[field.attname] = getattr(obj, field.attname)
    return out


def case_snapshot(*, case: Case) -> dict[str, Any]:
    """The case as plain data (audit before/after, version diffs). De-identified: no vault data."""
    data = {name: getattr(case, name) for name in _CASE_SNAPSHOT_FIELDS}
    data["member_public_id"] = case.member.public_id if case.member_id else None
    data["drugs"] = [_row(d, _CHILD_SKIP) for d in case.drugs.all()]
    data["reactions"] = [_row(r, _CHILD_SKIP) for r in case.reactions.all()]
    return data


def case_list_visible_to(*, user: User) -> QuerySet[Case]:
    """Reviewers and admins see every case. Partners see only cases pv sent them: that link is
    the Submission (submissions issue); until a partner has received one, it sees none."""
    qs = Case.objects.select_related("member").prefetch_related("drugs", "reactions")
    if user.role in (User.Role.REVIEWER, User.Role.ADMIN):
        return qs
    if user.is_partner and _received_by is not None:
        return qs.filter(id__in=_received_by(partner_id=user.partner_id))
    return qs.none()


# Which cases a partner has received is the submissions app's knowledge. pv is the ground floor
# and imports no app above it: submissions registers its selector here when it loads (its
# AppConfig.ready). Until then (no submissions app) partners see no case: the safe side.
_received_by: Callable[..., QuerySet] | None = None


def partner_case_scope_register(selector: Callable[..., QuerySet]) -> None:
    global _received_by  # noqa: PLW0603 (one hook, set once at start-up)
    _received_by = selector


def case_get_visible(*, user: User, case_id) -> Case:
    case = case_list_visible_to(user=user).filter(id=case_id).first()
    if case is None:
        raise NotFound("Case not found.")
    return case


def case_versions(*, case: Case) -> QuerySet[Case]:
    return Case.objects.filter(worldwide_case_id=case.worldwide_case_id).order_by("version")


def case_drugs(*, case: Case) -> QuerySet[CaseDrug]:
    return case.drugs.all()


def case_reactions(*, case: Case) -> QuerySet[CaseReaction]:
    return case.reactions.all()


def product_list_visible_to(*, user: User) -> QuerySet[Product]:
    qs = Product.objects.select_related("sponsor")
    if user.role == User.Role.SPONSOR:
        return qs.filter(sponsor_id=user.partner_id)
    if user.role in (User.Role.REVIEWER, User.Role.ADMIN, User.Role.REGULATOR):
        return qs
    return qs.none()


def partner_list_visible_to(*, user: User) -> QuerySet[Partner]:
    if user.role in (User.Role.REVIEWER, User.Role.ADMIN):
        return Partner.objects.all()
    if user.is_partner:
        return Partner.objects.filter(id=user.partner_id)
    return Partner.objects.none()


def member_get(*, public_id: str) -> Member:
    member = Member.objects.filter(public_id=public_id).first()
    if member is None:
        raise NotFound("Member not found.")
    return member


def member_get_by_source_id(*, source_id: str) -> Member | None:
    return Member.objects.filter(source_id=source_id).first()
