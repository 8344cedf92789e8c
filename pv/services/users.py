"""Accounts for staff, partners and members; DRF tokens for API clients."""

from __future__ import annotations

import secrets

from django.db import transaction
from rest_framework.authtoken.models import Token

from pv.audit import audit_record
from pv.core.exceptions import DomainError
from pv.models import Member, Partner, User

PARTNER_ROLES = {
    User.Role.REGULATOR: Partner.Kind.REGULATOR,
    User.Role.SPONSOR: Partner.Kind.SPONSOR,
}


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    role: str,
    partner: Partner | None = None,
    member: Member | None = None,
    password: str | None = None,
    email: str = "",
) -> tuple[User, str, str]:
    """Create a user with a role; returns (user, password, api token)."""
    if role not in User.Role.values:
        raise DomainError(
            f"Unknown role {role!r}.", code="invalid_role", extra={"allowed": User.Role.values}
        )
    expected_kind = PARTNER_ROLES.get(role)
    if expected_kind and (partner is None or partner.kind != expected_kind):
        raise DomainError(
            f"A {role} user needs a {expected_kind} partner.", code="partner_required"
        )
    if not expected_kind and partner is not None:
        raise DomainError(f"A {role} user cannot belong to a partner.", code="partner_not_allowed")
    if role == User.Role.MEMBER and email:
        # A member's email is Restricted Data: it lives in the vault, never on the user row.
        raise DomainError("Member accounts keep no email outside the vault.", code="member_email")
    if member is not None and role != User.Role.MEMBER:
        raise DomainError("Only member accounts link to a member.", code="member_not_allowed")
    if User.objects.filter(username=username).exists():
        raise DomainError(f"User {username!r} exists.", code="user_exists")
    password = password or secrets.token_urlsafe(12)
    user = User(
        username=username,
        role=role,
        partner=partner,
        email=email,
        is_staff=role == User.Role.ADMIN,
        is_superuser=role == User.Role.ADMIN,
    )
    user.set_password(password)
    user.save()
    if member is not None:
        Member.objects.filter(pk=member.pk).update(user=user)
    token = Token.objects.create(user=user)
    audit_record(
        actor=actor,
        action="user.created",
        obj=user,
        after={"username": username, "role": role, "partner": partner.name if partner else None},
    )
    return user, password, token.key
