"""Reads of pv's own models, scoped to what the caller may see."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

from pv.core.exceptions import NotFound
from pv.models import (
    Case,
    CaseDrug,
    CaseReaction,
    Member,
    Partner,
    Product,
    ReferenceTerm,
    User,
)  # fmt: skip
from pv.models.rsi import term_key

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


# Reference safety information ------------------------------------------------------------------


def reference_terms_for_product(*, product: Product) -> QuerySet[ReferenceTerm]:
    return ReferenceTerm.objects.filter(product=product).order_by("term_key")


def product_get_visible(*, user: User, product_id) -> Product:
    """A product `user` may see, else 404 (partners cannot enumerate others' products)."""
    product = product_list_visible_to(user=user).filter(id=product_id).first()
    if product is None:
        raise NotFound("Product not found.")
    return product


def reference_term_get(*, product: Product, term_id) -> ReferenceTerm:
    ref = reference_terms_for_product(product=product).filter(id=term_id).first()
    if ref is None:
        raise NotFound("That term is not on this product's RSI.")
    return ref


def rsi_keys_by_product(*, product_ids) -> dict:
    """{product id: set of the term keys and codes its RSI lists} for the given products."""
    out: dict = {pid: set() for pid in product_ids}
    rows = ReferenceTerm.objects.filter(product_id__in=list(out)).values_list(
        "product_id", "term_key", "code"
    )
    for pid, key, code in rows:
        out[pid].add(key)
        if code:
            out[pid].add(code)
    return out


def rsi_keys_by_ingredient() -> dict[str, set[str]]:
    """{lower-case ingredient: term keys and codes listed by any product containing it} —
    listedness for signals, which count ingredients, not products. A term one sponsor's label
    lists for an ingredient counts as known for that ingredient."""
    out: dict[str, set[str]] = {}
    rows = ReferenceTerm.objects.values_list("product__ingredients", "term_key", "code")
    for ingredients, key, code in rows:
        for ingredient in ingredients or []:
            keys = out.setdefault(str(ingredient).casefold().strip(), set())
            keys.add(key)
            if code:
                keys.add(code)
    return out


def is_listed(keys: set[str], *, code: str = "", term: str = "", pt_code: str = "",
              pt: str = "") -> bool:
    """Whether a reaction coded (`code`/`term`, with its PT) is among an RSI's `keys`. Matching
    is by code first, then by the PT or term's name with case and punctuation ignored; an
    LLT counts as listed when its PT is (the label lists PTs)."""
    if not keys:
        return False
    candidates = [c for c in (code, pt_code) if c] + [term_key(t) for t in (term, pt) if t]
    return any(c in keys for c in candidates)


def listedness(
    listings, *, code: str = "", term: str = "", pt_code: str = "", pt: str = ""
) -> bool | None:
    """Whether a drug's RSIs list a reaction: True when any of `listings` (one key set per RSI
    the drug has) lists it (`is_listed`), False when none does, None when the drug has no RSI
    (there is nothing to compare with, so the reaction is not called unlisted)."""
    listings = [keys for keys in listings if keys]
    if not listings:
        return None
    return any(is_listed(keys, code=code, term=term, pt_code=pt_code, pt=pt)
               for keys in listings)  # fmt: skip


def rsi_keys_of_ingredients(rsi: dict[str, set[str]], names) -> set[str]:
    """The keys `rsi` (`rsi_keys_by_ingredient`) lists for any of the ingredient `names`."""
    return set().union(*(rsi.get(str(n).casefold().strip(), set()) for n in names))


def case_expectedness(*, case: Case, drugs=None, reactions=None) -> dict:
    """{(drug id, reaction id): True (listed) | False (unlisted) | None (no RSI for the drug)}
    for the suspect and interacting drugs of `case`. A drug's RSI is its linked product's; a
    drug without one uses the products that share all its ingredients. Pass `drugs` and
    `reactions` when the caller has them loaded already."""
    drugs = [d for d in (case.drugs.all() if drugs is None else drugs)
             if d.role != CaseDrug.Role.CONCOMITANT]  # fmt: skip
    reactions = list(case.reactions.all() if reactions is None else reactions)
    products_of: dict = {}
    by_ingredients = None  # {sorted ingredient names: product ids}, read once when needed
    for drug in drugs:
        if drug.product_id:
            products_of[drug.id] = [drug.product_id]
            continue
        if by_ingredients is None:
            by_ingredients = {}
            for pid, ings in Product.objects.values_list("id", "ingredients"):
                key = tuple(sorted(str(i).casefold() for i in ings or []))
                by_ingredients.setdefault(key, []).append(pid)
        names = tuple(sorted({str(i.get("name", "")).casefold() for i in drug.ingredients or []}
                             - {""}))  # fmt: skip
        products_of[drug.id] = by_ingredients.get(names, []) if names else []
    keys = rsi_keys_by_product(product_ids={p for ps in products_of.values() for p in ps})
    out = {}
    for drug in drugs:
        listings = [keys[p] for p in products_of[drug.id]]
        for reaction in reactions:
            out[(drug.id, reaction.id)] = listedness(
                listings, code=reaction.code, term=reaction.term, pt_code=reaction.pt_code,
                pt=reaction.pt,
            )  # fmt: skip
    return out
