"""Base model: UUID keys, timestamps, default ordering (Saleor-style)."""

from __future__ import annotations

import uuid

from django.db import models


class TimeStampedModel(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]


SERIOUSNESS_FIELDS = (
    "death",
    "life_threatening",
    "hospitalisation",
    "disability",
    "congenital_anomaly",
    "other_medically_important",
)


class SeriousnessFlags(models.Model):
    """The six ICH seriousness criteria (E.i.3.2): on members' reports, cases and reactions."""

    death = models.BooleanField(default=False)
    life_threatening = models.BooleanField(default=False)
    hospitalisation = models.BooleanField(default=False)
    disability = models.BooleanField(default=False)
    congenital_anomaly = models.BooleanField(default=False)
    other_medically_important = models.BooleanField(default=False)

    SERIOUSNESS_FIELDS = SERIOUSNESS_FIELDS

    class Meta:
        abstract = True

    @property
    def is_serious(self) -> bool:
        return any(getattr(self, f) for f in SERIOUSNESS_FIELDS)

    @property
    def seriousness_criteria(self) -> list[str]:
        return [f for f in SERIOUSNESS_FIELDS if getattr(self, f)]
