"""Choices, imported datasets and runs: what an analysis reads and how it is configured."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from pv.core.models import TimeStampedModel


class Source(models.TextChoices):
    CASES = "cases", "Confirmed cases"
    SOCIAL = "social", "Social listening (screened forum mentions)"
    FAERS = "faers", "FAERS background (imported)"


class DrugLevel(models.TextChoices):
    INGREDIENT = "ingredient", "Ingredient"
    PRODUCT = "product", "Product"


class EventLevel(models.TextChoices):
    PT = "pt", "Preferred term"
    HLT = "hlt", "High-level term"
    HLGT = "hlgt", "High-level group term (MedDRA)"
    SOC = "soc", "System organ class"
    SMQ_NARROW = "smq_narrow", "SMQ, narrow search (MedDRA)"
    SMQ_BROAD = "smq_broad", "SMQ, broad search (MedDRA)"


class ExternalDataset(TimeStampedModel):
    """One import of public background data (FAERS quarterly ASCII): its rows are SignalFacts."""

    class Kind(models.TextChoices):
        FAERS = "faers", "FAERS / legacy AERS quarterly ASCII"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.FAERS)
    name = models.CharField(max_length=200)
    sources = models.JSONField(default=list, help_text="Folder / zip names imported")
    quarters = models.JSONField(default=list, help_text='["2004Q1", "2017Q2"]')
    roles = models.JSONField(default=list, help_text="Drug roles kept, e.g. PS, SS")
    reports = models.PositiveIntegerField(default=0, help_text="Distinct cases after dedup")
    rows = models.PositiveIntegerField(default=0, help_text="(case, drug, event) rows stored")
    attribution = models.TextField(blank=True)
    checksum = models.CharField(
        max_length=64, blank=True, db_index=True, help_text="SHA-256 of the imported files"
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class SignalRun(TimeStampedModel):
    """One disproportionality analysis: a source at a drug level x event level, per quarter."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    class Trigger(models.TextChoices):
        API = "api", "On demand (API)"
        COMMAND = "command", "On demand (command)"
        NIGHTLY = "nightly", "Nightly (beat)"
        DEMO = "demo", "Demo seed"

    source = models.CharField(max_length=10, choices=Source.choices)
    drug_level = models.CharField(
        max_length=12, choices=DrugLevel.choices, default=DrugLevel.INGREDIENT
    )
    event_level = models.CharField(max_length=12, choices=EventLevel.choices, default=EventLevel.PT)
    datasets = models.ManyToManyField(ExternalDataset, blank=True, related_name="runs")
    period_to = models.CharField(
        max_length=7, blank=True, help_text='Last quarter included ("2017Q2"); empty = all'
    )
    periods = models.JSONField(default=list, help_text="Quarters computed (cumulative)")
    latest_period = models.CharField(max_length=7, blank=True)
    trend = models.BooleanField(default=True, help_text="Every quarter, or only the last one")
    strata = models.JSONField(default=list, help_text='Subset of ["sex", "age_group"]')
    yates = models.BooleanField(default=True)
    thresholds = models.JSONField(default=dict, help_text="signals.trends.Thresholds fields")
    hyper_given = models.JSONField(
        null=True, blank=True, help_text="Fixed theta [a1, b1, a2, b2, p]; null = fitted"
    )
    hyperparameters = models.JSONField(
        default=dict, help_text="Per period: theta, -loglik, points, squashed, agreed"
    )
    neg_log_lik = models.FloatField(null=True, blank=True, help_text="-loglik, latest period")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    trigger = models.CharField(max_length=10, choices=Trigger.choices, default=Trigger.API)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    timings = models.JSONField(default=dict, help_text="Seconds per step: facts, count, score...")
    n_reports = models.PositiveIntegerField(default=0)
    n_pairs = models.PositiveIntegerField(default=0, help_text="Pairs in the latest period")
    n_results = models.PositiveIntegerField(default=0, help_text="Rows stored, all periods")
    n_new_signals = models.PositiveIntegerField(default=0)
    subgroup = models.JSONField(
        default=dict,
        blank=True,
        help_text='Restrict the analysed reports: {"sex", "age_group", "year", "country"}',
    )
    signal_measure = models.CharField(
        max_length=5,
        default="ebgm",
        help_text="The measure whose criterion raises signal records: prr, ror, ic or ebgm",
    )
    fit_warnings = models.JSONField(
        default=list,
        blank=True,
        help_text="Per period whose MGPS fit failed the quality gate: period, reasons, action",
    )
    interactions = models.BooleanField(
        default=False, help_text="Also screen drug pairs x event with Omega (Norén et al. 2008)"
    )
    interaction_summary = models.JSONField(
        default=dict,
        blank=True,
        help_text="min_n, max_pairs, pairs eligible / screened, triples stored, highlighted",
    )
    # What sponsors see: one published run per source and levels (staff publish; exploratory
    # runs stay private).
    is_published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["source", "drug_level", "event_level", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "drug_level", "event_level"],
                condition=models.Q(is_published=True),
                name="signal_run_one_published_per_source_levels",
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.drug_level}x{self.event_level} ({self.status})"

    @property
    def is_social(self) -> bool:
        return self.source == Source.SOCIAL

    @property
    def source_label(self) -> str:
        return Source(self.source).label
