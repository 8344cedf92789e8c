"""Dictionaries pv codes against: one row per loaded version of a drug or event terminology.

The concepts themselves are not rows: matching and suggestions run in the pure core
(`coding.nlp`) over in-memory dictionary objects. The open defaults ship inside the package;
a licensed dictionary a user loads is converted once and stored as a gzip'd JSON artefact under
`PV_DICTIONARY_DIR` (default `VAR_DIR/dictionaries`), whose path is kept here.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from pv.core.models import TimeStampedModel


class Dictionary(TimeStampedModel):
    class Kind(models.TextChoices):
        DRUG = "drug", "Drug"
        EVENT = "event", "Event"

    class Format(models.TextChoices):
        BUILTIN = "builtin", "Embedded open default"
        MEDDRA = "meddra", "MedDRA ASCII"
        RXNORM = "rxnorm", "RxNorm RRF"
        WHODRUG = "whodrug", "WHODrug export"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(max_length=200, help_text="Human label, e.g. 'MedDRA 27.0'")
    terminology = models.CharField(
        max_length=100, help_text="What coded results record, e.g. 'MedDRA', 'RxNorm'"
    )
    version = models.CharField(max_length=100)
    format = models.CharField(max_length=20, choices=Format.choices)
    source = models.TextField(blank=True, help_text="Where the content came from")
    licence_note = models.TextField(blank=True)
    artefact = models.CharField(
        max_length=500, blank=True, help_text="Stored artefact file name; empty for builtin"
    )
    is_active = models.BooleanField(default=False)
    concept_count = models.PositiveIntegerField(default=0)
    name_count = models.PositiveIntegerField(default=0, help_text="Names / LLTs / synonyms")
    loaded_at = models.DateTimeField()
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["kind", "-loaded_at"]
        verbose_name_plural = "dictionaries"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "terminology", "version"], name="dictionary_version_unique"
            ),
            models.UniqueConstraint(
                fields=["kind"], condition=models.Q(is_active=True), name="dictionary_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.terminology} {self.version}"

    @property
    def is_builtin(self) -> bool:
        return self.format == self.Format.BUILTIN
