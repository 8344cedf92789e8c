"""The Restricted Data vault: the only code that encrypts, decrypts or looks up a member's name,
email and phone. Every read needs a purpose and writes an audit event in the same transaction.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import transaction
from django.db.models import F

from pv.audit import audit_record
from pv.core.exceptions import DomainError
from pv.models import Member, RestrictedIdentity, VaultVersion

# Reads are only for these reasons; anything else is refused (and so never audited as "misc").
READ_PURPOSES = {
    "follow-up",  # relay a partner's follow-up questions to the member
    "scrubbing",  # remove the member's own values from outbound free text
    "member-self-service",  # the member looks at their own account
    "admin-support",  # platform staff with vault access helping a member
}


@dataclass(frozen=True)
class Identity:
    name: str
    email: str
    phone: str

    def values(self) -> list[str]:
        return [v for v in (self.name, self.email, self.phone) if v]

    def __repr__(self) -> str:  # never let Restricted Data reach a log through repr()
        return "Identity(<restricted>)"


@lru_cache(maxsize=4)
def _fernet(key: str) -> Fernet:
    if not key:
        raise DomainError(
            "The vault key (PV_VAULT_KEY) is not configured.", code="vault_unconfigured"
        )
    return Fernet(key.encode())


def _cipher() -> Fernet:
    return _fernet(settings.PV_VAULT_KEY)


def email_digest(email: str) -> str:
    normalised = email.strip().lower().encode()
    return hmac.new(settings.PV_VAULT_KEY.encode(), normalised, hashlib.sha256).hexdigest()


@transaction.atomic
def vault_identity_store(*, member: Member, name: str, email: str, phone: str = "", actor) -> None:
    """Store (or replace) a member's Restricted Data, encrypted; audits the write, not values."""
    digest = email_digest(email)
    clash = RestrictedIdentity.objects.filter(email_digest=digest).exclude(member=member).exists()
    if clash:
        raise DomainError(
            "A member with this email is already registered.",
            code="email_taken",
            extra={"fields": {"email": ["already registered"]}},
        )
    cipher = _cipher()
    RestrictedIdentity.objects.update_or_create(
        member=member,
        defaults={
            "name_encrypted": cipher.encrypt(name.strip().encode()),
            "email_encrypted": cipher.encrypt(email.strip().encode()),
            "phone_encrypted": cipher.encrypt(phone.strip().encode()) if phone else b"",
            "email_digest": digest,
        },
    )
    _version_bump()
    audit_record(actor=actor, action="vault.identity_stored", obj=member)


def _check_purpose(purpose: str) -> None:
    if purpose not in READ_PURPOSES:
        raise DomainError(
            f"Vault reads need a known purpose, got {purpose!r}.",
            code="vault_purpose",
            extra={"allowed": sorted(READ_PURPOSES)},
        )


def _decrypt(row: RestrictedIdentity) -> Identity:
    cipher = _cipher()
    try:
        return Identity(
            name=cipher.decrypt(bytes(row.name_encrypted)).decode(),
            email=cipher.decrypt(bytes(row.email_encrypted)).decode(),
            phone=cipher.decrypt(bytes(row.phone_encrypted)).decode()
            if row.phone_encrypted
            else "",
        )
    except InvalidToken as exc:
        raise DomainError(
            "Vault data cannot be decrypted with the configured key.", code="vault_key"
        ) from exc


@transaction.atomic
def vault_identity_read(*, member: Member, purpose: str, actor) -> Identity | None:
    """Decrypt a member's Restricted Data for `purpose`; the read is audited before it returns."""
    _check_purpose(purpose)
    row = RestrictedIdentity.objects.filter(member=member).first()
    audit_record(actor=actor, action="vault.identity_read", obj=member, after={"purpose": purpose})
    return _decrypt(row) if row is not None else None


def vault_identities_read(
    *, members: Iterable[Member], purpose: str, actor
) -> dict[uuid.UUID, Identity | None]:
    """`vault_identity_read` for many members at once (member id -> identity): one query and
    one audit event naming every member read (`after.member_ids`) with the purpose, so a batch
    import does not write an event per member. Call inside the transaction that uses them."""
    _check_purpose(purpose)
    members = list(members)
    if len(members) == 1:
        return {members[0].pk: vault_identity_read(member=members[0], purpose=purpose, actor=actor)}
    rows = {
        row.member_id: row
        for row in RestrictedIdentity.objects.filter(member__in=[m.pk for m in members])
    }
    with transaction.atomic(savepoint=False):  # no savepoint: nothing here to roll back alone
        if members:
            audit_record(
                actor=actor,
                action="vault.identity_read",
                object_type=Member._meta.label_lower,
                object_id=f"batch:{len(members)}",
                after={"purpose": purpose, "member_ids": sorted(str(m.pk) for m in members)},
            )
        return {m.pk: _decrypt(rows[m.pk]) if m.pk in rows else None for m in members}


def vault_restricted_values(*, member: Member, actor) -> list[str]:
    """The member's own Restricted values, for scrubbing outbound free text (audited read)."""
    identity = vault_identity_read(member=member, purpose="scrubbing", actor=actor)
    return identity.values() if identity else []


def _version_bump() -> None:
    """In the write's transaction: the row lock orders concurrent writers, and readers see the
    new number exactly when they can see the new identity."""
    if not VaultVersion.objects.filter(pk=1).update(n=F("n") + 1):
        VaultVersion.objects.get_or_create(pk=1, defaults={"n": 1})  # the very first write


def vault_identities_version() -> int:
    """A number that changes whenever an identity is stored or changed (one primary-key read;
    no Restricted Data, so not audited)."""
    return VaultVersion.objects.filter(pk=1).values_list("n", flat=True).first() or 0


@transaction.atomic
def vault_identities_for_scrubbing(*, actor, since: datetime | None = None) -> list[Identity]:
    """Every member's Restricted Data (or those stored or changed since `since`), decrypted to
    build the all-members scrubber. ONE audit event per call, with the purpose and the count:
    the scrubber reads every identity at once, and one event per member would drown the trail.
    """
    rows = RestrictedIdentity.objects.order_by()
    if since is not None:
        rows = rows.filter(updated_at__gte=since)  # ties at `since` are read again: harmless
    rows = rows.values_list("name_encrypted", "email_encrypted", "phone_encrypted")
    cipher = _cipher()
    identities = []
    try:
        for name, email, phone in rows.iterator(chunk_size=2000):
            identities.append(
                Identity(
                    name=cipher.decrypt(bytes(name)).decode(),
                    email=cipher.decrypt(bytes(email)).decode(),
                    phone=cipher.decrypt(bytes(phone)).decode() if phone else "",
                )
            )
    except InvalidToken as exc:
        raise DomainError(
            "Vault data cannot be decrypted with the configured key.", code="vault_key"
        ) from exc
    audit_record(
        actor=actor,
        action="vault.identities_read",
        object_type="pv.restrictedidentity",
        object_id="*",
        after={
            "purpose": "scrubbing",
            "count": len(identities),
            "since": since.isoformat() if since is not None else None,
        },
    )
    return identities


def vault_restricted_values_many(*, members: Iterable[Member], actor) -> dict[uuid.UUID, list[str]]:
    """`vault_restricted_values` for many members (member id -> values): one query, one audited
    read naming them all."""
    identities = vault_identities_read(members=members, purpose="scrubbing", actor=actor)
    return {pk: identity.values() if identity else [] for pk, identity in identities.items()}
