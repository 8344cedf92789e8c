"""Users, partners and products: who may see what. (Case, vault and audit live beside this.)"""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models

from pv.core.models import TimeStampedModel


class Partner(TimeStampedModel):
    class Kind(models.TextChoices):
        REGULATOR = "regulator", "Regulator"
        SPONSOR = "sponsor", "Sponsor"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")
    region = models.CharField(max_length=10, blank=True, help_text="e.g. US, EU, UK")
    e2b_receiver_id = models.CharField(max_length=100, blank=True)
    e2b_profile = models.CharField(
        max_length=10, default="ich", help_text="E2B rule profile: ich | fda | ema"
    )
    endpoint_url = models.URLField(blank=True, help_text="Push endpoint; empty means pull")
    accepts_open_terminology = models.BooleanField(
        default=False,
        help_text="Agreement to receive events coded in pv's open (non-MedDRA) terminology. "
        "Regulators require MedDRA (E.i.2.1) and never set this.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Product(TimeStampedModel):
    sponsor = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="products")
    name = models.CharField(max_length=200)
    ingredients = models.JSONField(default=list, help_text="Lower-case ingredient names")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["sponsor", "name"], name="product_unique_per_sponsor")
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    class Role(models.TextChoices):
        REVIEWER = "reviewer", "Safety reviewer"
        REGULATOR = "regulator", "Regulator"
        SPONSOR = "sponsor", "Sponsor"
        ADMIN = "admin", "Administrator"
        MEMBER = "member", "Member"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    partner = models.ForeignKey(
        Partner, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )

    class Meta:
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(role__in=["regulator", "sponsor"], partner__isnull=False)
                    | (
                        ~models.Q(role__in=["regulator", "sponsor"])
                        & models.Q(partner__isnull=True)
                    )
                ),
                name="user_partner_iff_partner_role",
            )
        ]

    @property
    def is_partner(self) -> bool:
        return self.role in (self.Role.REGULATOR, self.Role.SPONSOR)
