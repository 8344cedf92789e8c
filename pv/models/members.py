"""Members (Shared Data only) and their Restricted Data, kept encrypted in the vault table."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models

from pv.core.models import TimeStampedModel


def new_public_id() -> str:
    # Random, not derived from anything about the member: a pseudonym that leaks nothing.
    return "M" + secrets.token_hex(6).upper()


class Member(TimeStampedModel):
    class Sex(models.TextChoices):
        MALE = "M", "Male"
        FEMALE = "F", "Female"
        UNKNOWN = "U", "Unknown"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        DEACTIVATED = "deactivated", "Deactivated"

    public_id = models.CharField(max_length=20, unique=True, default=new_public_id, editable=False)
    source_id = models.CharField(
        max_length=100, unique=True, help_text="The community platform's id for this member"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
    )
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    age_band = models.CharField(max_length=20, blank=True, help_text="e.g. 30-39, when no year")
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")
    conditions = models.JSONField(default=list, blank=True)
    treatments = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    contact_opt_out = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(birth_year__isnull=True)
                | models.Q(birth_year__gte=1900, birth_year__lte=2100),
                name="member_birth_year_plausible",
            )
        ]

    def __str__(self) -> str:
        return self.public_id

    @property
    def is_contactable(self) -> bool:
        return self.status == self.Status.ACTIVE and not self.contact_opt_out


class RestrictedIdentity(TimeStampedModel):
    """Registration name, email and phone, Fernet-encrypted: the columns never hold plaintext.

    Read and written only through `pv.vault`; every read is audited with its purpose.
    `email_digest` is a keyed HMAC so a duplicate registration can be refused without
    decrypting anything.
    """

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="identity")
    name_encrypted = models.BinaryField()
    email_encrypted = models.BinaryField()
    phone_encrypted = models.BinaryField(default=b"")
    email_digest = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"identity of {self.member_id}"  # never the values themselves


class VaultVersion(models.Model):
    """One row, bumped in the transaction of every vault write: the all-members scrubber
    (`pv.services.privacy.known_members`) learns of a new or changed identity with one
    primary-key read instead of counting the vault table on every call."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    n = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"vault version {self.n}"
