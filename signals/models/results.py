"""Facts a run counts and the figures it stores (pairs, interaction triples)."""

from __future__ import annotations

from django.db import models

from .runs import ExternalDataset, SignalRun


class SignalFact(models.Model):
    """A report-level (report, drug, event) row the SQL counting groups over.

    FAERS rows belong to their dataset and stay; case and mention rows are a run's snapshot of
    pv's own data (flattened from JSON ingredients and coded terms) and are deleted once the run
    has counted them. Every level is on the row, so one table serves every run type.
    """

    id = models.BigAutoField(primary_key=True)
    run = models.ForeignKey(
        SignalRun, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    dataset = models.ForeignKey(
        ExternalDataset, null=True, blank=True, on_delete=models.CASCADE, related_name="facts"
    )
    report_key = models.CharField(max_length=64)
    period = models.CharField(max_length=7)
    drug_ingredient = models.CharField(max_length=250, blank=True)
    drug_product = models.CharField(max_length=64, blank=True, help_text="pv Product id")
    event_pt = models.CharField(max_length=250, blank=True)
    event_hlt = models.CharField(max_length=250, blank=True)
    event_soc = models.CharField(max_length=250, blank=True)
    sex = models.CharField(max_length=3, blank=True)
    age_group = models.CharField(max_length=8, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166 alpha-2")
    # Report attributes for the priority score where the source carries them on its rows
    # (FAERS: signals.faers); null = not recorded. Case runs read them from the cases instead.
    serious = models.BooleanField(null=True, blank=True, help_text="FAERS OUTC outcome")
    completeness = models.FloatField(
        null=True, blank=True, help_text="vigiGrade completeness of the report (0-1)"
    )
    dechallenge = models.BooleanField(
        null=True, blank=True, help_text="Positive dechallenge of this drug (FAERS dechal Y)"
    )

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["run", "period"]),
            models.Index(fields=["dataset", "period"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(run__isnull=False, dataset__isnull=True)
                | models.Q(run__isnull=True, dataset__isnull=False),
                name="signalfact_run_xor_dataset",
            )
        ]

    def __str__(self) -> str:
        return f"{self.report_key}: {self.drug_ingredient or self.drug_product} / {self.event_pt}"


class SignalResult(models.Model):
    """Every measure for one pair on the data up to one period of a run (bulk-created)."""

    id = models.BigAutoField(primary_key=True)
    run = models.ForeignKey(SignalRun, on_delete=models.CASCADE, related_name="results")
    period = models.CharField(max_length=7)
    is_latest = models.BooleanField(default=False, help_text="The run's last period")
    drug_key = models.CharField(max_length=250, help_text="Ingredient name or Product id")
    drug = models.CharField(max_length=250, help_text="Display name")
    event = models.CharField(max_length=250)
    soc = models.CharField(max_length=250, blank=True)
    n = models.PositiveIntegerField()
    n_drug = models.PositiveIntegerField()
    n_event = models.PositiveIntegerField()
    n_total = models.PositiveIntegerField()
    expected = models.FloatField()
    # NaN is stored as NULL; +/-Inf as the float (both databases keep IEEE infinities).
    rr = models.FloatField(null=True)
    prr = models.FloatField(null=True)
    prr_lower95 = models.FloatField(null=True)
    prr_upper95 = models.FloatField(null=True)
    chi2 = models.FloatField(null=True)
    ror = models.FloatField(null=True)
    ror_lower95 = models.FloatField(null=True)
    ror_upper95 = models.FloatField(null=True)
    ic = models.FloatField(null=True)
    ic025 = models.FloatField(null=True)
    ic975 = models.FloatField(null=True)
    ebgm = models.FloatField(null=True)
    eb05 = models.FloatField(null=True)
    eb95 = models.FloatField(null=True)
    qn = models.FloatField(null=True)
    signal_prr = models.BooleanField(default=False)
    signal_ror = models.BooleanField(default=False)
    signal_ic = models.BooleanField(default=False)
    signal_ebgm = models.BooleanField(default=False)
    # Prioritisation (signals.stats.priority), on the run's latest period only: the score
    # before listedness (listedness is read live from the RSI, which reviewers keep between
    # runs), the components and their inputs, and the event's name key for the RSI match.
    priority_base = models.FloatField(null=True, blank=True)
    priority_parts = models.JSONField(null=True, blank=True)
    event_key = models.CharField(max_length=250, blank=True)

    MEASURE_FIELDS = (
        "n", "expected", "rr", "prr", "prr_lower95", "prr_upper95", "chi2", "ror",
        "ror_lower95", "ror_upper95", "ic", "ic025", "ic975", "ebgm", "eb05", "eb95",
    )  # fmt: skip

    class Meta:
        ordering = ["drug", "event"]
        indexes = [
            models.Index(fields=["run", "is_latest", "drug_key"]),
            models.Index(fields=["run", "drug_key", "event", "period"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "period", "drug_key", "event"], name="signalresult_unique_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.drug} / {self.event} @ {self.period}"


class InteractionResult(models.Model):
    """Omega for one (drug pair, event) on a run's last period (drug1 < drug2 by key)."""

    id = models.BigAutoField(primary_key=True)
    run = models.ForeignKey(SignalRun, on_delete=models.CASCADE, related_name="interactions_found")
    period = models.CharField(max_length=7)
    drug1_key = models.CharField(max_length=250)
    drug1 = models.CharField(max_length=250)
    drug2_key = models.CharField(max_length=250)
    drug2 = models.CharField(max_length=250)
    event = models.CharField(max_length=250)
    n111 = models.PositiveIntegerField(help_text="Reports with both drugs and the event")
    n11 = models.PositiveIntegerField(help_text="Reports with both drugs")
    n10 = models.PositiveIntegerField(help_text="Reports with drug 1, not drug 2")
    n01 = models.PositiveIntegerField(help_text="Reports with drug 2, not drug 1")
    n00 = models.PositiveIntegerField(help_text="Reports with neither")
    n101 = models.PositiveIntegerField()
    n011 = models.PositiveIntegerField()
    n001 = models.PositiveIntegerField()
    n_total = models.PositiveIntegerField()
    expected = models.FloatField(null=True, help_text="E111 under the additive risk model")
    omega = models.FloatField(null=True)
    omega025 = models.FloatField(null=True)
    omega975 = models.FloatField(null=True)
    highlighted = models.BooleanField(default=False, help_text="Omega025 > 0 with n111 >= min N")

    class Meta:
        ordering = [models.F("omega025").desc(nulls_last=True), "drug1", "drug2", "event"]
        indexes = [
            models.Index(fields=["run", "drug1_key"]),
            models.Index(fields=["run", "drug2_key"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "drug1_key", "drug2_key", "event"], name="interaction_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.drug1} + {self.drug2} / {self.event}"
