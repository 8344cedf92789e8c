"""Member registration: Shared Data to the member row, Restricted Data only to the vault."""

from __future__ import annotations

from django.db import transaction

from pv.audit import audit_record
from pv.core.exceptions import DomainError
from pv.models import Member
from pv.privacy.scrub import scrub_text
from pv.vault import vault_identity_store


@transaction.atomic
def member_register(
    *,
    actor,
    source_id: str,
    name: str,
    email: str,
    phone: str = "",
    birth_year: int | None = None,
    age_band: str = "",
    sex: str = Member.Sex.UNKNOWN,
    country: str = "",
    conditions: list[str] | None = None,
    treatments: list[str] | None = None,
    contact_opt_out: bool = False,
) -> Member:
    if Member.objects.filter(source_id=source_id).exists():
        raise DomainError(
            "A member with this source id is already registered.",
            code="member_exists",
            extra={"fields": {"source_id": ["already registered"]}},
        )
    # Minimised like everything else intake stores: a condition typed as "asthma - Jane, call
    # 555 ..." keeps the condition and loses the name and the number.
    own = [v for v in (name, email, phone) if v]
    conditions = [scrub_text(c, own) for c in conditions or []]
    treatments = [scrub_text(t, own) for t in treatments or []]
    member = Member(
        source_id=source_id,
        birth_year=birth_year,
        age_band=age_band,
        sex=sex,
        country=country.upper(),
        conditions=conditions,
        treatments=treatments,
        contact_opt_out=contact_opt_out,
    )
    member.full_clean()
    member.save()
    vault_identity_store(member=member, name=name, email=email, phone=phone, actor=actor)
    # The audit record names the member by id only; the profile is Shared Data.
    audit_record(
        actor=actor,
        action="member.registered",
        obj=member,
        after={"public_id": member.public_id, "country": member.country, "sex": member.sex},
    )
    return member


@transaction.atomic
def member_set_contact_opt_out(
    *, actor, member: Member, opted_out: bool, reason: str = ""
) -> Member:
    before = {"contact_opt_out": member.contact_opt_out}
    Member.objects.filter(pk=member.pk).update(contact_opt_out=opted_out)
    member.refresh_from_db()
    audit_record(
        actor=actor,
        action="member.contact_opt_out_changed",
        obj=member,
        before=before,
        after={"contact_opt_out": opted_out},
        reason=reason,
    )
    return member


@transaction.atomic
def member_deactivate(*, actor, member: Member, reason: str = "") -> Member:
    Member.objects.filter(pk=member.pk).update(status=Member.Status.DEACTIVATED)
    member.refresh_from_db()
    audit_record(
        actor=actor,
        action="member.deactivated",
        obj=member,
        after={"status": member.status},
        reason=reason,
    )
    return member
